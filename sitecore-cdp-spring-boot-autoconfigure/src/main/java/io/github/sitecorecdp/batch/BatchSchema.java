package io.github.sitecorecdp.batch;

import java.util.Locale;

/**
 * What a batch record holds, its {@code schema} field.
 *
 * @author sitecore-cdp-spring-boot
 */
public enum BatchSchema {

	/** A guest (a customer or visitor). */
	GUEST,

	/** An order. */
	ORDER,

	/** A tracking event. */
	TRACKING;

	/**
	 * Return the value Sitecore expects in the file.
	 * @return {@code guest}, {@code order} or {@code tracking}
	 */
	public String wireValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}

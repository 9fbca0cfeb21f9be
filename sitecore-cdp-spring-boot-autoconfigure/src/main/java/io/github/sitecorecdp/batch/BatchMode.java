package io.github.sitecorecdp.batch;

import java.util.Locale;

/**
 * How Sitecore applies a batch record, its {@code mode} field.
 *
 * @author sitecore-cdp-spring-boot
 */
public enum BatchMode {

	/** Create; fails for a record that exists. */
	INSERT,

	/** Create, or replace the existing record. */
	UPSERT,

	/** Create, or merge into the existing record. */
	MERGE;

	/**
	 * Return the value Sitecore expects in the file.
	 * @return {@code insert}, {@code upsert} or {@code merge}
	 */
	public String wireValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}

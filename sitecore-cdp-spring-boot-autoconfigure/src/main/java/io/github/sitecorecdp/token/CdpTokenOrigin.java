package io.github.sitecorecdp.token;

import java.util.Locale;

/**
 * Where a token request's answer came from, so that metrics can tell the requests
 * Sitecore's token endpoint saw from the tokens an instance took from a store shared by
 * the fleet.
 *
 * @author sitecore-cdp-spring-boot
 */
public enum CdpTokenOrigin {

	/** This instance asked Sitecore's token endpoint (and got a token or a failure). */
	ENDPOINT,

	/**
	 * A store shared by several instances answered without this instance asking the
	 * endpoint: a token another instance got, or the fleet's backoff after another
	 * instance's failed request.
	 */
	SHARED_STORE;

	/**
	 * Return the value of the {@code source} tag of metrics.
	 * @return {@code endpoint} or {@code shared_store}
	 */
	public String tagValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}

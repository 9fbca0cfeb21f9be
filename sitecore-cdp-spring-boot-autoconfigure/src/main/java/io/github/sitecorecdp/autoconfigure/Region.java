package io.github.sitecorecdp.autoconfigure;

import java.net.URI;

/**
 * Sitecore CDP hosting regions and the REST API host that serves each.
 *
 * @author sitecore-cdp-spring-boot
 */
public enum Region {

	/** Europe. */
	EU("https://api-engage-eu.sitecorecloud.io"),

	/** United States. */
	US("https://api-engage-us.sitecorecloud.io"),

	/** Asia-Pacific. */
	AP("https://api-engage-ap.sitecorecloud.io"),

	/** Japan East. */
	JPE("https://api-engage-jpe.sitecorecloud.io");

	private final URI baseUrl;

	Region(String baseUrl) {
		this.baseUrl = URI.create(baseUrl);
	}

	/**
	 * Return the base URL of the Sitecore CDP REST APIs in this region.
	 * @return the base URL
	 */
	public URI getBaseUrl() {
		return this.baseUrl;
	}

}

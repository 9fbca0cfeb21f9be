package io.github.sitecorecdp.autoconfigure;

/**
 * Thrown at startup when a {@code sitecore.cdp.*} property is missing or wrong. Carries
 * what {@link InvalidSitecoreCdpPropertyFailureAnalyzer} prints.
 *
 * @author sitecore-cdp-spring-boot
 */
public class InvalidSitecoreCdpPropertyException extends RuntimeException {

	private final String property;

	private final String action;

	InvalidSitecoreCdpPropertyException(String property, String description, String action) {
		super(description);
		this.property = property;
		this.action = action;
	}

	/**
	 * Return the name of the offending property, for example
	 * {@code sitecore.cdp.api-secret}.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return what to do to fix the configuration.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}

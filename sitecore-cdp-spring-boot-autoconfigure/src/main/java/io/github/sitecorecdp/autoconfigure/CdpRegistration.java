package io.github.sitecorecdp.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.TokenPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * The settings of one API key, resolved: the default registration from
 * {@code sitecore.cdp.*}, or a named one from {@code sitecore.cdp.clients.<name>.*} with
 * what it leaves out taken from {@code sitecore.cdp.*}. Built only from validated
 * properties.
 *
 * @param name {@value #DEFAULT_NAME} or the registration's name
 * @param prefix the prefix of its properties, for messages
 * @param apiKey the API key
 * @param apiSecret the API secret, never printed
 * @param audience the audience of its token requests
 * @param tokenUri the token endpoint
 * @param baseUrl the API its token goes to
 * @param connectTimeout connect timeout of API calls
 * @param responseTimeout response timeout of API calls
 * @param tokenConnectTimeout connect timeout of token requests
 * @param tokenResponseTimeout response timeout of token requests
 * @param policy its token lifecycle
 * @param propertyNames the property each value of its token requests came from
 * @author sitecore-cdp-spring-boot
 */
record CdpRegistration(String name, String prefix, String apiKey, String apiSecret, String audience, URI tokenUri,
		URI baseUrl, Duration connectTimeout, Duration responseTimeout, Duration tokenConnectTimeout,
		Duration tokenResponseTimeout, TokenPolicy policy, CdpTokenEndpointClient.PropertyNames propertyNames) {

	/** Name of the registration configured by {@code sitecore.cdp.api-key} and its siblings. */
	static final String DEFAULT_NAME = "default";

	/**
	 * Return every registration the properties configure: the default one first (when it
	 * has a key), then the named ones in the order they were configured.
	 * @param properties validated properties
	 * @return the registrations
	 */
	static List<CdpRegistration> all(SitecoreCdpProperties properties) {
		List<CdpRegistration> registrations = new ArrayList<>();
		if (hasDefault(properties)) {
			registrations.add(defaultOf(properties));
		}
		for (Map.Entry<String, SitecoreCdpProperties.Client> client : properties.getClients().entrySet()) {
			registrations.add(named(client.getKey(), client.getValue(), properties));
		}
		return registrations;
	}

	/**
	 * Return whether the default registration exists: it has a key, or nothing else
	 * (named registrations, Basic-auth credentials) is configured, and validation asks for
	 * the key.
	 * @param properties the properties
	 * @return whether {@code cdpWebClient} and its siblings exist
	 */
	static boolean hasDefault(SitecoreCdpProperties properties) {
		// Set at all, even blank: a blank key next to other credentials is refused, not ignored.
		if (properties.getApiKey() != null || properties.getApiSecret() != null) {
			return true;
		}
		// Required when nothing else is configured: named registrations, the Basic-auth
		// clients and the real-time clients (client key only) work without it.
		return properties.getClients().isEmpty() && !properties.getBasicAuth().isConfigured()
				&& properties.getRealtime().getPointOfSale() == null;
	}

	static CdpRegistration defaultOf(SitecoreCdpProperties properties) {
		SitecoreCdpProperties.Token token = properties.getToken();
		return new CdpRegistration(DEFAULT_NAME, "sitecore.cdp.",
				required(properties.getApiKey(), "sitecore.cdp.api-key"),
				required(properties.getApiSecret(), "sitecore.cdp.api-secret"), properties.getAudience(),
				properties.getTokenUri(), properties.determineBaseUrl(), properties.getConnectTimeout(), properties.getResponseTimeout(),
				token.getConnectTimeout(), token.getResponseTimeout(), new TokenPolicy(token.getRefreshAhead(),
						token.getExpiryMargin(), token.getInitialBackoff(), token.getMaxBackoff()),
				CdpTokenEndpointClient.PropertyNames.under("sitecore.cdp."));
	}

	static CdpRegistration named(String name, SitecoreCdpProperties.Client client, SitecoreCdpProperties defaults) {
		SitecoreCdpProperties.Token token = defaults.getToken();
		SitecoreCdpProperties.ClientToken own = client.getToken();
		return new CdpRegistration(name, prefixOf(name), required(client.getApiKey(), prefixOf(name) + "api-key"),
				required(client.getApiSecret(), prefixOf(name) + "api-secret"),
				or(client.getAudience(), defaults.getAudience()), or(client.getTokenUri(), defaults.getTokenUri()),
				baseUrl(client, defaults), or(client.getConnectTimeout(), defaults.getConnectTimeout()),
				or(client.getResponseTimeout(), defaults.getResponseTimeout()),
				or(own.getConnectTimeout(), token.getConnectTimeout()),
				or(own.getResponseTimeout(), token.getResponseTimeout()),
				new TokenPolicy(or(own.getRefreshAhead(), token.getRefreshAhead()),
						or(own.getExpiryMargin(), token.getExpiryMargin()),
						or(own.getInitialBackoff(), token.getInitialBackoff()),
						or(own.getMaxBackoff(), token.getMaxBackoff())),
				new CdpTokenEndpointClient.PropertyNames(prefixOf(name) + "api-key", prefixOf(name) + "api-secret",
						(client.getTokenUri() != null) ? prefixOf(name) + "token-uri" : "sitecore.cdp.token-uri",
						(client.getAudience() != null) ? prefixOf(name) + "audience" : "sitecore.cdp.audience"));
	}

	static String prefixOf(String name) {
		return "sitecore.cdp.clients." + name + ".";
	}

	/** Its own base URL, else its own region, else the default's base URL or region. */
	private static URI baseUrl(SitecoreCdpProperties.Client client, SitecoreCdpProperties defaults) {
		if (client.getBaseUrl() != null) {
			return client.getBaseUrl();
		}
		Region region = client.getRegion();
		return (region != null) ? region.getBaseUrl() : defaults.determineBaseUrl();
	}

	/**
	 * Return whether this is the default registration.
	 * @return whether its name is {@value #DEFAULT_NAME}
	 */
	boolean isDefault() {
		return DEFAULT_NAME.equals(this.name);
	}

	/**
	 * Return what logs and exceptions call the registration.
	 * @return {@code Sitecore CDP}, or {@code Sitecore CDP (name)} for a named one
	 */
	String label() {
		return labelOf(this.name);
	}

	static String labelOf(String name) {
		return DEFAULT_NAME.equals(name) ? "Sitecore CDP" : "Sitecore CDP (" + name + ")";
	}

	@Override
	public String toString() {
		// Never the secret.
		return "CdpRegistration[" + this.name + ", " + this.baseUrl + ", tokens from " + this.tokenUri + "]";
	}

	private static String required(@Nullable String value, String property) {
		// Validation refuses this first, except where a condition decided at build time (AOT)
		// that the registration exists.
		if (!StringUtils.hasText(value)) {
			throw new InvalidSitecoreCdpPropertyException(property, property + " is not set.",
					"Set " + property + ", or remove the other properties of its registration.");
		}
		return value;
	}

	private static <T> T or(@Nullable T value, T fallback) {
		return (value != null) ? value : fallback;
	}

}

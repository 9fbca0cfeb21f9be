package io.github.sitecorecdp.autoconfigure;

import java.util.Locale;
import java.util.Set;

/**
 * Which keys hold a secret of the starter (an API secret, the proxy password, the Batch
 * API token), in any form a key takes: a property name, an environment variable, a path
 * in {@code /configprops}. One rule for every place that could show a value, so that a
 * secret shown by one of them is not a secret anywhere.
 *
 * @author sitecore-cdp-spring-boot
 */
final class SecretProperties {

	/** Secret keys, lower case with separators removed, as env, yaml or bean names. */
	private static final Set<String> SECRET_KEYS = Set.of("sitecorecdpapisecret", "apisecret",
			"sitecorecdpproxypassword");

	private SecretProperties() {
	}

	/**
	 * Whether the key holds a secret, whose value must never be shown.
	 * @param key a property name, environment variable or property path
	 * @return whether the key holds a secret
	 */
	static boolean isSecret(String key) {
		String normalized = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		return SECRET_KEYS.contains(normalized) || normalized.endsWith("sitecorecdpapisecret")
				|| normalized.endsWith("sitecorecdpproxypassword")
				// sitecore.cdp.clients.<name>.api-secret
				|| (normalized.contains("sitecorecdpclients") && normalized.endsWith("apisecret"))
				|| normalized.endsWith("sitecorecdpbasicauthapitoken") || normalized.equals("apitoken");
	}

}

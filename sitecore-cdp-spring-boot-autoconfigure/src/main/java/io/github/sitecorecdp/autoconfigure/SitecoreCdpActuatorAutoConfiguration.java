package io.github.sitecorecdp.autoconfigure;

import java.util.Locale;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Actuator integration of the Sitecore CDP client.
 *
 * <p>
 * Masks the API secret in {@code /env} and {@code /configprops} even when an operator
 * sets {@code management.endpoint.*.show-values=always}: from then on Spring Boot masks
 * only what a {@link SanitizingFunction} names.
 *
 * @author sitecore-cdp-spring-boot
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
public final class SitecoreCdpActuatorAutoConfiguration {

	/** Secret keys, lower case with separators removed, as env, yaml or bean names. */
	private static final Set<String> SECRET_KEYS = Set.of("sitecorecdpapisecret", "apisecret");

	@Bean
	SanitizingFunction sitecoreCdpSanitizingFunction() {
		return (data) -> isSecret(data.getKey()) ? data.withSanitizedValue() : data;
	}

	private static boolean isSecret(String key) {
		String normalized = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		return SECRET_KEYS.contains(normalized) || normalized.endsWith("sitecorecdpapisecret");
	}

}

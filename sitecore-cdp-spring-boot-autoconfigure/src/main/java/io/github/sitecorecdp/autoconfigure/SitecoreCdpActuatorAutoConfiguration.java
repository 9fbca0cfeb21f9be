package io.github.sitecorecdp.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.sitecorecdp.actuate.SitecoreCdpBatchMetrics;
import io.github.sitecorecdp.actuate.SitecoreCdpRetryMetrics;
import io.github.sitecorecdp.actuate.SitecoreCdpBoot3HealthIndicator;
import io.github.sitecorecdp.actuate.SitecoreCdpHealthCheck;
import io.github.sitecorecdp.actuate.SitecoreCdpHealthIndicator;
import io.github.sitecorecdp.actuate.SitecoreCdpMeters;
import io.github.sitecorecdp.token.CdpAccessTokenManager;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator and Micrometer integration of the Sitecore CDP client: metrics, a
 * {@code sitecoreCdp} health contributor, and masking of secrets.
 *
 * <p>
 * Masks the API secret in {@code /env} and {@code /configprops} even when an operator
 * sets {@code management.endpoint.*.show-values=always}: from then on Spring Boot masks
 * only what a {@link SanitizingFunction} names.
 *
 * @author sitecore-cdp-spring-boot
 */
@AutoConfiguration(after = SitecoreCdpAutoConfiguration.class)
public final class SitecoreCdpActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
	static class SanitizingConfiguration {

		@Bean
		SanitizingFunction sitecoreCdpSanitizingFunction() {
			return (data) -> SecretProperties.isSecret(data.getKey()) ? data.withSanitizedValue() : data;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
	@ConditionalOnSitecoreCdpEnabled
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SitecoreCdpMeters sitecoreCdpMetrics() {
			return new SitecoreCdpMeters();
		}

		@Bean
		@ConditionalOnMissingBean
		SitecoreCdpBatchMetrics sitecoreCdpBatchMetrics() {
			return new SitecoreCdpBatchMetrics();
		}

		@Bean
		@ConditionalOnMissingBean
		SitecoreCdpRetryMetrics sitecoreCdpRetryMetrics() {
			return new SitecoreCdpRetryMetrics();
		}

	}

	/**
	 * Spring Boot 4's health API ({@code spring-boot-health}). Conditions name a class the
	 * compile-only signature stubs do not contain.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthContributor")
	@ConditionalOnBean(CdpClients.class)
	@org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator("sitecore-cdp")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "sitecoreCdpHealthIndicator")
		SitecoreCdpHealthIndicator sitecoreCdpHealthIndicator(CdpClients sitecoreCdpClients) {
			return new SitecoreCdpHealthIndicator(healthCheck(sitecoreCdpClients));
		}

	}

	/**
	 * Spring Boot 3's health API, in another package of {@code spring-boot-actuator}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthContributor")
	@ConditionalOnBean(CdpClients.class)
	@org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator("sitecore-cdp")
	static class Boot3HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "sitecoreCdpHealthIndicator")
		SitecoreCdpBoot3HealthIndicator sitecoreCdpHealthIndicator(CdpClients sitecoreCdpClients) {
			return new SitecoreCdpBoot3HealthIndicator(healthCheck(sitecoreCdpClients));
		}

	}

	/** Every registration, each checked through its own token manager. */
	static SitecoreCdpHealthCheck healthCheck(CdpClients clients) {
		Map<String, CdpAccessTokenManager> managers = new LinkedHashMap<>();
		clients.names().forEach((name) -> managers.put(name, clients.tokenManager(name)));
		return new SitecoreCdpHealthCheck(managers);
	}

}

package io.github.sitecorecdp.testsupport;

import org.springframework.boot.webclient.autoconfigure.WebClientObservationAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientObservationAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ApplicationContext;

/**
 * The classes of Spring Boot 4 that tests name; {@code src/test-boot3} has the Boot 3
 * twin. Chosen by the build's Boot line.
 */
public final class BootLine {

	private BootLine() {
	}

	public static Class<?> webClientAutoConfiguration() {
		return WebClientAutoConfiguration.class;
	}

	public static Class<?> restClientAutoConfiguration() {
		return RestClientAutoConfiguration.class;
	}

	public static Class<?> codecsAutoConfiguration() {
		return CodecsAutoConfiguration.class;
	}

	public static Class<?> reactiveOAuth2ClientAutoConfiguration() {
		return ReactiveOAuth2ClientAutoConfiguration.class;
	}

	public static Class<?>[] metricsAutoConfigurations() {
		return new Class<?>[] { MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class };
	}

	/** Actuator's observation registry, recording observations as meters in a simple registry. */
	public static Class<?>[] observationAutoConfigurations() {
		return new Class<?>[] { ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class };
	}

	/** Spring Boot's observation of its client builders' calls. */
	public static Class<?>[] clientObservationAutoConfigurations() {
		return new Class<?>[] { WebClientObservationAutoConfiguration.class, RestClientObservationAutoConfiguration.class };
	}

	public static Class<?> redisAutoConfiguration() {
		return DataRedisAutoConfiguration.class;
	}

	public static Class<?> webClientCustomizer() {
		return WebClientCustomizer.class;
	}

	/** The {@code sitecoreCdp} health contributor's answer, as status code and details. */
	public static HealthView health(ApplicationContext context) {
		Health health = context.getBean("sitecoreCdpHealthIndicator", HealthIndicator.class).health();
		return new HealthView(health.getStatus().getCode(), health.getDetails());
	}

	public record HealthView(String status, Map<String, Object> details) {
	}

}

package io.github.sitecorecdp.testsupport;

import org.springframework.boot.actuate.autoconfigure.observation.web.client.HttpClientObservationsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import java.util.Map;

import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.http.codec.CodecsAutoConfiguration;
import org.springframework.boot.autoconfigure.security.oauth2.client.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.web.reactive.function.client.WebClientCustomizer;
import org.springframework.context.ApplicationContext;

/**
 * The classes of Spring Boot 3 that tests name; {@code src/test-boot4} has the Boot 4
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
		return new Class<?>[] { HttpClientObservationsAutoConfiguration.class };
	}

	public static Class<?> redisAutoConfiguration() {
		return RedisAutoConfiguration.class;
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

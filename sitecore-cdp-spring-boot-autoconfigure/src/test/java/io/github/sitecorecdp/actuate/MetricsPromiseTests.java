package io.github.sitecorecdp.actuate;

import java.time.Duration;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpActuatorAutoConfiguration;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Meter values the Operations table promises and no other test checks: the
 * {@code failure} outcome, and {@code store.shared} reading NaN with the in-memory store.
 */
class MetricsPromiseTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private FakeTokenEndpoint tokenEndpoint;

	private FakeCdpApi api;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() {
		this.tokenEndpoint = FakeTokenEndpoint.start().credentials("key", "secret").tokenValues((n) -> "token-" + n);
		this.api = FakeCdpApi.start(this.tokenEndpoint).stub("/**", EchoPath::json);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(BootLine.metricsAutoConfigurations()))
			.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class,
					SitecoreCdpActuatorAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret",
					"sitecore.cdp.token-uri=" + this.tokenEndpoint.uri(), "sitecore.cdp.base-url=" + this.api.baseUrl());
	}

	@AfterEach
	void stop() {
		this.tokenEndpoint.close();
		this.api.close();
	}

	@Test
	void whenTheTokenEndpointAnswersWhatIsNeitherRetryableNorARejectionThenTheOutcomeIsFailure() {
		this.tokenEndpoint.failTokenRequests(404, "");
		this.contextRunner.run((context) -> {
			assertThatException().isThrownBy(() -> call(context.getBean("cdpWebClient", WebClient.class)));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			// Counted just after the callers are woken.
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(requests(registry, "failure")).isEqualTo(1));
			assertThat(requests(registry, "retryable_failure")).isZero();
			assertThat(requests(registry, "rejected_credentials")).isZero();
			assertThat(requests(registry, "success")).isZero();
		});
	}

	@Test
	void whenTheStoreIsInMemoryThenStoreSharedIsNaNTaggedWithTheRegistration() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			call(context.getBean("cdpWebClient", WebClient.class));
			assertThat(registry.get("sitecore.cdp.token.store.shared").tag("registration", "default").gauge().value())
				.isNaN();
		});
	}

	private static double requests(MeterRegistry registry, String outcome) {
		Double count = registry.find("sitecore.cdp.token.requests").tag("outcome", outcome).timers().stream()
			.mapToDouble((timer) -> timer.count())
			.sum();
		return count;
	}

	private static void call(WebClient client) {
		client.get().uri("/v2/call").retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

}

package io.github.sitecorecdp.web;

import java.time.Duration;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API calls are observed as {@code http.client.requests} through the application's
 * observation registry, whether or not Spring Boot's client builders exist (on Spring
 * Boot 4 they come from modules an application with only a servlet web starter and
 * actuator does not have), and once per call, never twice.
 */
class ClientObservationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final FakeTokenEndpoint tokens = FakeTokenEndpoint.start().credentials("cdp-key", "cdp-secret");

	private final FakeCdpApi api = FakeCdpApi.start(this.tokens).stub("/**", EchoPath::json);

	private final ApplicationContextRunner withoutClientBuilders = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(BootLine.observationAutoConfigurations()))
		.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.api-key=cdp-key", "sitecore.cdp.api-secret=cdp-secret",
				"sitecore.cdp.token-uri=" + this.tokens.uri(), "sitecore.cdp.base-url=" + this.api.baseUrl());

	@AfterEach
	void stop() {
		this.api.close();
		this.tokens.close();
	}

	@Test
	void whenThereIsNoWebClientBuilderThenCdpWebClientCallsAreStillObserved() {
		this.withoutClientBuilders.run((context) -> {
			assertThat(context).doesNotHaveBean(WebClient.Builder.class);
			context.getBean("cdpWebClient", WebClient.class)
				.get()
				.uri("/v2/guests/{ref}", "g-1")
				.retrieve()
				.toBodilessEntity()
				.block(TIMEOUT);
			Timer timer = context.getBean(MeterRegistry.class).get("http.client.requests").timer();
			assertThat(timer.count()).isEqualTo(1);
			assertThat(timer.getId().getTag("uri")).isEqualTo("/v2/guests/{ref}");
			assertThat(timer.getId().getTag("status")).isEqualTo("200");
		});
	}

	@Test
	void whenThereIsNoRestClientBuilderThenCdpRestClientCallsAreStillObserved() {
		this.withoutClientBuilders.run((context) -> {
			assertThat(context).doesNotHaveBean(RestClient.Builder.class);
			context.getBean("cdpRestClient", RestClient.class)
				.get()
				.uri("/v2/guests/{ref}", "g-1")
				.retrieve()
				.toBodilessEntity();
			Timer timer = context.getBean(MeterRegistry.class).get("http.client.requests").timer();
			assertThat(timer.count()).isEqualTo(1);
			assertThat(timer.getId().getTag("uri")).isEqualTo("/v2/guests/{ref}");
		});
	}

	@Test
	void whenATokenIsFetchedThenTheTokenCallIsNotObservedAsAnHttpClientRequest() {
		this.withoutClientBuilders.run((context) -> {
			context.getBean("cdpWebClient", WebClient.class)
				.get()
				.uri("/v2/guests/{ref}", "g-1")
				.retrieve()
				.toBodilessEntity()
				.block(TIMEOUT);
			assertThat(this.tokens.requestCount()).isEqualTo(1);
			// Only the API call: the token call is measured by sitecore.cdp.token.requests alone.
			assertThat(context.getBean(MeterRegistry.class).find("http.client.requests").timers()).singleElement()
				.satisfies((timer) -> assertThat(timer.getId().getTag("uri")).isEqualTo("/v2/guests/{ref}"));
		});
	}

	@Test
	void whenBootsBuildersExistThenEachCallIsObservedOnce() {
		this.withoutClientBuilders
			.withConfiguration(AutoConfigurations.of(BootLine.webClientAutoConfiguration(),
					BootLine.restClientAutoConfiguration()))
			.withConfiguration(AutoConfigurations.of(BootLine.clientObservationAutoConfigurations()))
			.run((context) -> {
				context.getBean("cdpWebClient", WebClient.class)
					.get()
					.uri("/v2/a")
					.retrieve()
					.toBodilessEntity()
					.block(TIMEOUT);
				context.getBean("cdpRestClient", RestClient.class).get().uri("/v2/b").retrieve().toBodilessEntity();
				assertThat(context.getBean(MeterRegistry.class).get("http.client.requests").timers())
					.extracting(Timer::count)
					.containsExactlyInAnyOrder(1L, 1L);
			});
	}

}

package io.github.sitecorecdp.actuate;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.time.Instant;

import io.github.sitecorecdp.autoconfigure.CdpClients;
import io.github.sitecorecdp.batch.BatchImportClient;
import io.github.sitecorecdp.batch.BatchImportResult;
import io.github.sitecorecdp.batch.BatchMode;
import io.github.sitecorecdp.batch.BatchRecord;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpActuatorAutoConfiguration;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeBatches;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.TokenPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 * Metric values after scripted scenarios.
 */
class SitecoreCdpMetricsTests {

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
	void whenCallsSucceedThenOneSuccessfulTokenRequestAndTheExpiryGaugeAreRecorded() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("sitecore.cdp.token.expiry").gauge().value()).isZero();
			call(context.getBean("cdpWebClient", WebClient.class));
			call(context.getBean("cdpWebClient", WebClient.class));
			// Counted just after the callers are woken.
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(requests(registry, "success")).isEqualTo(1));
			assertThat(registry.get("sitecore.cdp.token.requests").tag("outcome", "success").timer().totalTime(
					java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
			assertThat(registry.get("sitecore.cdp.token.expiry").gauge().value()).isBetween(86_000.0, 86_400.0);
			assertThat(registry.get("sitecore.cdp.api.replays").counter().count()).isZero();
		});
	}

	@Test
	void whenTokensComeFromTheEndpointThenTheyAreTaggedWithThatSourceAndNoSharedStoreTimerExists() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			call(context.getBean("cdpWebClient", WebClient.class));
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(registry.get("sitecore.cdp.token.requests")
					.tag("outcome", "success")
					.tag("source", "endpoint")
					.timer()
					.count()).isEqualTo(1));
			assertThat(registry.find("sitecore.cdp.token.requests").tag("source", "shared_store").timers()).isEmpty();
			assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenThereAreNamedRegistrationsThenEachHasItsOwnMetersTaggedWithItsName() {
		this.tokenEndpoint.addClient("personalize-key", "personalize-secret", FakeTokenEndpoint.AUDIENCE, "p");
		this.contextRunner
			.withPropertyValues("sitecore.cdp.clients.personalize.api-key=personalize-key",
					"sitecore.cdp.clients.personalize.api-secret=personalize-secret",
					"sitecore.cdp.clients.personalize.base-url=" + this.api.baseUrl())
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				call(context.getBean(CdpClients.class).webClient("personalize"));
				call(context.getBean(CdpClients.class).webClient("personalize"));
				await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(registry.get("sitecore.cdp.token.requests")
					.tag("registration", "personalize")
					.tag("outcome", "success")
					.timer()
					.count()).isEqualTo(1));
				assertThat(registry.get("sitecore.cdp.token.requests")
					.tag("registration", "default")
					.tag("outcome", "success")
					.timer()
					.count()).isZero();
				assertThat(registry.get("sitecore.cdp.token.expiry").tag("registration", "personalize").gauge().value())
					.isPositive();
				assertThat(registry.get("sitecore.cdp.token.expiry").tag("registration", "default").gauge().value())
					.isZero();
			});
	}

	@Test
	void whenAnImportRunsThenItsBatchesRecordsAndUploadBytesAreCounted() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.basic-auth.client-key=" + FakeBatches.CLIENT_KEY,
					"sitecore.cdp.basic-auth.api-token=" + FakeBatches.API_TOKEN, "sitecore.cdp.batch.poll-interval=5ms")
			.run((context) -> {
				BatchImportResult result = context.getBean(BatchImportClient.class)
					.importRecords(List.of(BatchRecord.guest(BatchMode.UPSERT, "{\"email\":\"a@example.com\"}"),
							BatchRecord.guest(BatchMode.UPSERT, "{\"email\":\"b@example.com\"}")));
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("sitecore.cdp.batch.batches").tag("status", "success").counter().count())
					.isEqualTo(1);
				assertThat(registry.get("sitecore.cdp.batch.batches").tag("status", "error").counter().count()).isZero();
				assertThat(registry.get("sitecore.cdp.batch.records").counter().count()).isEqualTo(2);
				assertThat(registry.get("sitecore.cdp.batch.upload.bytes").counter().count())
					.isEqualTo(result.batches().get(0).size());
				assertThat(registry.get("sitecore.cdp.batch.upload").timer().count()).isEqualTo(1);
			});
	}

	@Test
	void whenTheApiAnswers401ThenTheReplayIsCounted() {
		this.api.answerNextWith(401, 200);
		this.contextRunner.run((context) -> {
			call(context.getBean("cdpWebClient", WebClient.class));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(registry.get("sitecore.cdp.api.replays").counter().count()).isEqualTo(1));
			// Counted just after the callers are woken.
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(requests(registry, "success")).isEqualTo(2));
		});
	}

	@Test
	void whenTheApiRefusesEveryTokenThenOnlyTheReplaysAreCountedNotEvery401() {
		this.api.refuseTokens((token) -> true);
		// A clock that stands still: all five calls fall within the first backoff step.
		this.contextRunner
			.withBean(SitecoreCdpAutoConfiguration.CLOCK_BEAN_NAME, Clock.class,
					() -> new MutableClock(Instant.parse("2026-11-29T10:00:00Z")))
			.run((context) -> {
				WebClient client = context.getBean("cdpWebClient", WebClient.class);
				for (int i = 0; i < 5; i++) {
					assertThatException().isThrownBy(() -> call(client));
				}
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				// One replay with a new token; the other 401s stand within the backoff step.
				await().atMost(Duration.ofSeconds(5)).untilAsserted(
						() -> assertThat(registry.get("sitecore.cdp.api.replays").counter().count()).isEqualTo(1));
			});
		assertThat(this.api.requestCount()).isEqualTo(6);
	}

	@Test
	void whenTheTokenEndpointFailsThenEachOutcomeIsCountedApart() {
		this.tokenEndpoint.answerNextTokenRequest(503, "{}");
		this.contextRunner.run((context) -> {
			assertThatException().isThrownBy(() -> call(context.getBean("cdpWebClient", WebClient.class)));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			// Counted just after the callers are woken.
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(requests(registry, "retryable_failure")).isEqualTo(1));
			assertThat(requests(registry, "success")).isZero();
		});
		this.tokenEndpoint.failTokenRequests(401, "{\"error\":\"access_denied\"}");
		this.contextRunner.run((context) -> {
			assertThatException().isThrownBy(() -> call(context.getBean("cdpWebClient", WebClient.class)));
			// Counted just after the callers are woken.
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(requests(context.getBean(MeterRegistry.class), "rejected_credentials")).isEqualTo(1));
		});
	}

	@Test
	void whenCallsEnterTheRefreshWindowThenTheOneBackgroundRefreshIsCountedOnce() {
		MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
		CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient("key", "secret", this.tokenEndpoint.uri(),
				"https://api.sitecorecloud.io", WebClient.create(), TIMEOUT, clock);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		CdpAccessTokenManager[] manager = new CdpAccessTokenManager[1];
		SitecoreCdpMetrics metrics = new SitecoreCdpMetrics(() -> manager[0]);
		manager[0] = new CdpAccessTokenManager(endpoint, TokenPolicy.DEFAULTS, clock, metrics);
		metrics.bindTo(registry);
		manager[0].getToken().block(TIMEOUT);
		this.tokenEndpoint.delayTokenResponses(Duration.ofMillis(300));
		clock.advance(Duration.ofHours(24).minusMinutes(2));
		for (int i = 0; i < 50; i++) {
			manager[0].getToken().block(TIMEOUT);
		}
		await().atMost(TIMEOUT).until(() -> this.tokenEndpoint.requestCount() == 2);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(registry.get("sitecore.cdp.token.refreshes").counter().count()).isEqualTo(1));
	}

	private static double requests(MeterRegistry registry, String outcome) {
		return registry.get("sitecore.cdp.token.requests").tag("outcome", outcome).timer().count();
	}

	private static void call(WebClient client) {
		client.get().uri("/v2/call").retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

}

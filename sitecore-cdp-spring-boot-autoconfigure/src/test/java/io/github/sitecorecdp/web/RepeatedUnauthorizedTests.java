package io.github.sitecorecdp.web;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An API that refuses every token (wrong tenant or base URL, a key without the scope) must
 * cost a few token requests, not one per call: a refused token is replaced at most once
 * per backoff step, and a 401 to the replay's token goes back to the caller. The clock is
 * the application's {@code sitecoreCdpClock} bean and stands still unless moved.
 */
class RepeatedUnauthorizedTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

	private FakeTokenEndpoint tokenEndpoint;

	private FakeCdpApi api;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void startServers() {
		this.tokenEndpoint = FakeTokenEndpoint.start()
			.credentials("test-key", "test-secret")
			.tokenValues((n) -> "token-" + n);
		this.api = FakeCdpApi.start(this.tokenEndpoint).stub("/**", EchoPath::json).refuseTokens((token) -> true);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(BootLine.webClientAutoConfiguration(),
					BootLine.restClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class))
			.withBean(SitecoreCdpAutoConfiguration.CLOCK_BEAN_NAME, MutableClock.class, () -> this.clock)
			.withPropertyValues("sitecore.cdp.api-key=test-key", "sitecore.cdp.api-secret=test-secret",
					"sitecore.cdp.token-uri=" + this.tokenEndpoint.uri(), "sitecore.cdp.base-url=" + this.api.baseUrl());
	}

	@AfterEach
	void stopServers() {
		this.tokenEndpoint.close();
		this.api.close();
	}

	@Test
	void whenTheApiRefusesEveryTokenThenTwentyWebClientCallsCostTwoTokenRequests() {
		this.contextRunner.run((context) -> {
			WebClient client = context.getBean("cdpWebClient", WebClient.class);
			for (int i = 0; i < 20; i++) {
				assertThatExceptionOfType(WebClientResponseException.Unauthorized.class)
					.isThrownBy(() -> client.get().uri("/v2/refused").retrieve().toBodilessEntity().block(TIMEOUT));
			}
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
		assertThat(this.api.requestCount()).isEqualTo(21);
	}

	@Test
	void whenTheApiRefusesEveryTokenThenTwentyRestClientCallsCostTwoTokenRequests() {
		this.contextRunner.run((context) -> {
			RestClient client = context.getBean("cdpRestClient", RestClient.class);
			for (int i = 0; i < 20; i++) {
				assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class)
					.isThrownBy(() -> client.get().uri("/v2/refused").retrieve().toBodilessEntity());
			}
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
		assertThat(this.api.requestCount()).isEqualTo(21);
	}

	@Test
	void whenRefusalsGoOnThenOneReplacementPerDoublingBackoffStep() {
		this.contextRunner.run((context) -> {
			WebClient client = context.getBean("cdpWebClient", WebClient.class);
			call(client);
			assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
			// Steps of 1 s then 2 s, each shortened by up to a fifth of jitter.
			this.clock.advance(Duration.ofMillis(799));
			call(client);
			assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
			this.clock.advance(Duration.ofMillis(201));
			call(client);
			assertThat(this.tokenEndpoint.requestCount()).isEqualTo(3);
			this.clock.advance(Duration.ofMillis(1599));
			call(client);
			assertThat(this.tokenEndpoint.requestCount()).isEqualTo(3);
			this.clock.advance(Duration.ofMillis(401));
			call(client);
			assertThat(this.tokenEndpoint.requestCount()).isEqualTo(4);
		});
	}

	@Test
	void whenTheApiAcceptsTokensAgainThenCallsSucceedWithTheReplacement() {
		this.contextRunner.run((context) -> {
			WebClient client = context.getBean("cdpWebClient", WebClient.class);
			call(client);
			this.api.refuseTokens((token) -> false);
			assertThat(client.get().uri("/v2/ok").retrieve().bodyToMono(String.class).block(TIMEOUT))
				.contains("/v2/ok");
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
	}

	@Test
	void whenAReplayIsAcceptedThenALaterRevocationIsReplayedAtOnceOnWebClient() {
		Set<String> revoked = ConcurrentHashMap.newKeySet();
		this.api.refuseTokens(revoked::contains);
		this.contextRunner.run((context) -> {
			WebClient client = context.getBean("cdpWebClient", WebClient.class);
			for (int n = 1; n <= 3; n++) {
				// Each token is revoked while in service: the replay's token is accepted, so the
				// refusal was about that token alone and no backoff step holds the next replay.
				revoked.add("token-" + n);
				assertThat(client.get().uri("/v2/ok").retrieve().bodyToMono(String.class).block(TIMEOUT))
					.contains("/v2/ok");
			}
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(4);
		assertThat(this.api.requestCount()).isEqualTo(6);
	}

	@Test
	void whenAReplayIsAcceptedThenALaterRevocationIsReplayedAtOnceOnRestClient() {
		Set<String> revoked = ConcurrentHashMap.newKeySet();
		this.api.refuseTokens(revoked::contains);
		this.contextRunner.run((context) -> {
			RestClient client = context.getBean("cdpRestClient", RestClient.class);
			for (int n = 1; n <= 3; n++) {
				revoked.add("token-" + n);
				assertThat(client.get().uri("/v2/ok").retrieve().body(String.class)).contains("/v2/ok");
			}
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(4);
		assertThat(this.api.requestCount()).isEqualTo(6);
	}

	private static void call(WebClient client) {
		assertThatExceptionOfType(WebClientResponseException.Unauthorized.class)
			.isThrownBy(() -> client.get().uri("/v2/refused").retrieve().toBodilessEntity().block(TIMEOUT));
	}

}

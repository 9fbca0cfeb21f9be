package io.github.sitecorecdp.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What the token lifecycle promises about the refresh point's jitter, the cost of reading
 * the token in service, and the watchdog that ends a token request that never does. Tokens live an hour: the refresh window runs from 5 minutes to 60 s
 * before expiry (4 minutes), so its fifth is 48 s.
 */
class TokenLifecyclePromiseTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration REFRESH_AHEAD_POINT = Duration.ofMinutes(55);

	private static final Duration FIFTH_OF_THE_WINDOW = Duration.ofSeconds(48);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

	private FakeTokenEndpoint tokenEndpoint;

	private CdpTokenEndpointClient client;

	@BeforeEach
	void start() {
		this.tokenEndpoint = FakeTokenEndpoint.start()
			.credentials("key", "s3cr3t")
			.tokenValues((n) -> "token-" + n)
			.tokenLifetime(Duration.ofHours(1));
		this.client = new CdpTokenEndpointClient("key", "s3cr3t", this.tokenEndpoint.uri(),
				"https://api.sitecorecloud.io", WebClient.create(), Duration.ofSeconds(5), this.clock);
	}

	@AfterEach
	void stop() {
		this.tokenEndpoint.close();
	}

	@Test
	void whenTheDrawIsHighThenTheRefreshPointMovesLaterByAlmostAFifthOfTheWindow() {
		CdpAccessTokenManager manager = manager(0.999);
		token(manager);
		// With no jitter the refresh would start here; the draw moves it 47.95 s later.
		this.clock.advance(REFRESH_AHEAD_POINT.plus(FIFTH_OF_THE_WINDOW).minusSeconds(1));
		assertThat(token(manager)).isEqualTo("token-1");
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(token(manager)).isEqualTo("token-1");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2));
	}

	@Test
	void whenTheDrawIsZeroThenTheRefreshStartsAtTheRefreshAheadPoint() {
		CdpAccessTokenManager manager = manager(0.0);
		token(manager);
		this.clock.advance(REFRESH_AHEAD_POINT.minusMillis(1));
		token(manager);
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(token(manager)).isEqualTo("token-1");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2));
	}

	@Test
	void whenAnyDrawIsMadeThenTheRefreshPointStaysWithinTheFirstFifthOfTheWindow() {
		Instant issuedAt = Instant.parse("2026-11-29T10:00:00Z");
		for (double random = 0.0; random < 1.0; random += 0.01) {
			assertThat(TokenPolicy.DEFAULTS.refreshAt(issuedAt, Duration.ofHours(1), random)).isBetween(
					issuedAt.plus(REFRESH_AHEAD_POINT), issuedAt.plus(REFRESH_AHEAD_POINT).plus(FIFTH_OF_THE_WINDOW));
		}
	}

	@Test
	void whenATokenIsInServiceThenItIsReadWithoutAReactiveDetour() {
		CdpAccessTokenManager manager = manager(0.0);
		token(manager);
		this.clock.advance(Duration.ofMinutes(30));
		Mono<?> first = manager.getToken();
		// A ready value built once with the token: nothing is deferred, subscribed to or
		// allocated per call.
		assertThat(first).isInstanceOf(Fuseable.ScalarCallable.class).isSameAs(manager.getToken());
		assertThat(manager.cachedToken()).isNotNull()
			.extracting((token) -> token.getTokenValue())
			.isEqualTo("token-1");
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
	}

	@Test
	void whenATokenRequestNeverEndsThenItsCallersFailOneSecondAfterItsTimeout() {
		// A request that ignores its own timeout, as a lost Reactor signal would: only the
		// watchdog can end it.
		CdpTokenSource neverEnding = new CdpTokenSource() {
			@Override
			public Mono<OAuth2AccessToken> fetch(@Nullable OAuth2AccessToken replacing) {
				return Mono.never();
			}

			@Override
			public Duration timeout() {
				return Duration.ofMillis(300);
			}
		};
		CdpAccessTokenManager manager = new CdpAccessTokenManager("Sitecore CDP", neverEnding, TokenPolicy.DEFAULTS,
				Clock.systemUTC(), CdpTokenListener.NONE);
		long start = System.nanoTime();
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(manager::obtainToken)
			.withMessageContaining("within");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1_300))
			.isLessThan(Duration.ofMillis(2_500));
	}

	private CdpAccessTokenManager manager(double draw) {
		return new CdpAccessTokenManager(this.client::requestToken, TokenPolicy.DEFAULTS, this.clock, () -> draw);
	}

	private static String token(CdpAccessTokenManager manager) {
		return manager.getToken().block(TIMEOUT).getTokenValue();
	}

}

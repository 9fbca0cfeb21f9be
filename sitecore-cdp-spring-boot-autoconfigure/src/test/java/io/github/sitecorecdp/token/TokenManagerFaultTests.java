package io.github.sitecorecdp.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import io.github.sitecorecdp.fake.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Nothing that goes wrong inside a token request may leave a caller waiting or wedge the
 * manager: a listener that throws, a request that never answers, an {@link Error}, an
 * answer that cannot be used. Each failure is logged once per request, not per caller.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenManagerFaultTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration MAX_WAIT = Duration.ofMillis(300);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

	private final AtomicInteger requests = new AtomicInteger();

	@Test
	void whenAListenerThrowsOnEveryEventThenTokensAreStillIssuedAndKept(CapturedOutput output) {
		CdpTokenListener throwing = new CdpTokenListener() {

			@Override
			public void tokenRequested(TokenRequestOutcome outcome, Duration duration) {
				throw new IllegalStateException("listener broke");
			}

			@Override
			public void tokenRejectedByApi() {
				throw new IllegalStateException("listener broke");
			}

		};
		CdpAccessTokenManager manager = manager(this::issue, throwing);
		for (int i = 0; i < 10; i++) {
			assertThat(manager.getToken().block(TIMEOUT).getTokenValue()).isEqualTo("token-1");
		}
		OAuth2AccessToken first = manager.obtainToken();
		assertThat(manager.reject(first)).isTrue();
		assertThat(manager.getToken().block(TIMEOUT).getTokenValue()).isEqualTo("token-2");
		assertThat(this.requests).hasValue(2);
		assertThat(manager.status().failedAttempts()).isZero();
		// Listeners are told on a thread of their own: logged once, when it gets there. The
		// exception's type tells this test's line from a late one of an earlier test's listener.
		org.awaitility.Awaitility.await()
			.untilAsserted(() -> assertThat(output.getOut().split("IllegalStateException: listener broke", -1))
				.hasSize(2));
		assertThat(output.getOut().split("IllegalStateException: listener broke", -1)).hasSize(2);
	}

	@Test
	void whenAListenerThrowsAnErrorAsARefreshStartsThenTheRefreshStillEnds() {
		CdpTokenListener failing = new CdpTokenListener() {

			@Override
			public void backgroundRefreshStarted() {
				throw new AssertionError("listener broke");
			}

		};
		CdpAccessTokenManager manager = manager(this::issue, failing);
		assertThat(manager.obtainToken().getTokenValue()).isEqualTo("token-1");
		this.clock.advance(Duration.ofMinutes(56));
		assertThat(manager.obtainToken().getTokenValue()).isEqualTo("token-1");
		this.clock.advance(Duration.ofMinutes(4));
		assertThat(manager.obtainToken().getTokenValue()).isEqualTo("token-2");
		assertThat(this.requests).hasValue(2);
	}

	@Test
	void whenTheTokenRequestNeverAnswersThenItIsCancelledWhenGivenUp() {
		AtomicInteger cancelled = new AtomicInteger();
		CdpAccessTokenManager manager = manager(() -> Mono.<OAuth2AccessToken>never().doOnCancel(cancelled::incrementAndGet),
				CdpTokenListener.NONE);
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(manager::obtainToken);
		assertThat(cancelled).hasValue(1);
	}

	@Test
	void whenTheTokenRequestNeverAnswersThenEveryWaiterFailsWithinTheLimit() {
		CdpAccessTokenManager manager = manager(() -> {
			this.requests.incrementAndGet();
			return Mono.never();
		}, CdpTokenListener.NONE);
		List<CompletableFuture<OAuth2AccessToken>> waiters = IntStream.range(0, 20)
			.mapToObj((i) -> manager.getToken().toFuture())
			.toList();
		assertThat(waiters).allSatisfy((waiter) -> assertThat(waiter).failsWithin(TIMEOUT)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(CdpTokenException.class)
			.withMessageContaining("within"));
		assertThat(this.requests).hasValue(1);
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(manager::obtainToken)
			.withMessageContaining("No new token request before");
	}

	@Test
	void whenTheTokenSupplierThrowsAnErrorThenCallersFailAndTheNextAttemptSucceeds() {
		AtomicInteger calls = new AtomicInteger();
		CdpAccessTokenManager manager = manager(() -> {
			if (calls.incrementAndGet() == 1) {
				throw new LinkageError("class went missing");
			}
			return issue();
		}, CdpTokenListener.NONE);
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(manager::obtainToken)
			.withMessageContaining("class went missing");
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(manager.obtainToken().getTokenValue()).isEqualTo("token-1");
	}

	@Test
	void whenTheAnswerCannotBeUsedThenCallersFailAndTheNextAttemptSucceeds() {
		AtomicInteger calls = new AtomicInteger();
		CdpAccessTokenManager manager = manager(() -> {
			if (calls.incrementAndGet() == 1) {
				// No expiry time: cannot be placed on the timeline.
				return Mono.just(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "odd", null, null));
			}
			return issue();
		}, CdpTokenListener.NONE);
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(manager::obtainToken)
			.withMessageContaining("Could not use");
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(manager.obtainToken().getTokenValue()).isEqualTo("token-1");
	}

	@Test
	void whenFiftyCallsFailWhileBackingOffThenTheFailureIsLoggedOnceWithoutAStackTrace(CapturedOutput output) {
		CdpAccessTokenManager manager = manager(() -> {
			this.requests.incrementAndGet();
			return Mono.error(new CdpCredentialsRejectedException("Sitecore rejected the API key or secret", null));
		}, CdpTokenListener.NONE);
		for (int i = 0; i < 50; i++) {
			assertThatExceptionOfType(CdpCredentialsRejectedException.class).isThrownBy(manager::obtainToken);
		}
		assertThat(this.requests).hasValue(1);
		String[] lines = output.getOut().split("\\R");
		assertThat(lines).filteredOn((line) -> line.contains("rejected the API key")).hasSize(1);
		assertThat(lines).noneMatch((line) -> line.startsWith("\tat "));
	}

	private CdpAccessTokenManager manager(Supplier<Mono<OAuth2AccessToken>> tokenRequests,
			CdpTokenListener listener) {
		return new CdpAccessTokenManager(tokenRequests, TokenPolicy.DEFAULTS, this.clock, () -> 0.0, listener,
				MAX_WAIT);
	}

	private Mono<OAuth2AccessToken> issue() {
		return Mono.fromSupplier(() -> {
			int n = this.requests.incrementAndGet();
			Instant now = this.clock.instant();
			return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "token-" + n, now,
					now.plus(Duration.ofHours(1)));
		});
	}

}

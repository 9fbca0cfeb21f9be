package io.github.sitecorecdp.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a wall clock that jumps, a slow listener and a shutdown do to the manager: waits
 * are measured on a monotonic clock, waiters are woken before anyone else is told, and a
 * request cancelled by a shutdown is no failure worth a warning.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenManagerTimingTests {

	private static final TokenPolicy SHORT_BACKOFF = new TokenPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60),
			Duration.ofMillis(100), Duration.ofMillis(200));

	private final WallClock wall = new WallClock(Instant.parse("2026-11-29T10:00:00Z"));

	private final AtomicInteger requests = new AtomicInteger();

	@Test
	void whenTheWallClockStepsBackDuringABackoffThenTheBackoffStillEndsOnTime() throws Exception {
		CdpAccessTokenManager manager = new CdpAccessTokenManager(() -> (this.requests.incrementAndGet() == 1)
				? Mono.error(new CdpTokenException("token endpoint down", null, true)) : issue(), SHORT_BACKOFF,
				this.wall, () -> 0.0);
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(manager::obtainToken);
		// NTP steps the clock back ten minutes in the middle of a 100 ms backoff.
		this.wall.set(this.wall.instant().minus(Duration.ofMinutes(10)));
		Thread.sleep(250);
		assertThat(manager.obtainToken().getTokenValue()).isEqualTo("token-2");
		assertThat(this.requests).hasValue(2);
	}

	@Test
	void whenAListenerIsSlowThenWaitingCallersAreNotHeldByIt() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CdpTokenListener slow = new CdpTokenListener() {

			@Override
			public void tokenRequested(TokenRequestOutcome outcome, Duration duration) {
				await(release);
			}

		};
		// The answer comes on another thread, as it does from the token endpoint's event loop.
		CdpAccessTokenManager manager = new CdpAccessTokenManager(
				() -> Mono.delay(Duration.ofMillis(20)).then(issue()), SHORT_BACKOFF, this.wall, () -> 0.0, slow,
				Duration.ofSeconds(10));
		try {
			assertThat(manager.getToken().block(Duration.ofSeconds(2)).getTokenValue()).isEqualTo("token-1");
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void whenARequestIsCancelledByAShutdownThenNoWarningIsLogged(CapturedOutput output) {
		CdpAccessTokenManager manager = new CdpAccessTokenManager(
				() -> Mono.error(new java.util.concurrent.CancellationException("Interrupted while waiting for Redis")),
				SHORT_BACKOFF, this.wall, () -> 0.0);
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(manager::obtainToken);
		assertThat(output.getOut()).doesNotContain("WARN").doesNotContain("CancellationException");
	}

	private Mono<OAuth2AccessToken> issue() {
		return Mono.fromSupplier(() -> {
			int n = (this.requests.get() == 0) ? this.requests.incrementAndGet() : this.requests.get();
			Instant now = this.wall.instant();
			return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "token-" + n, now,
					now.plus(Duration.ofHours(1)));
		});
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A wall clock that NTP can step back: not a simulation of time as a whole. */
	private static final class WallClock extends Clock {

		private final AtomicReference<Instant> now;

		WallClock(Instant start) {
			this.now = new AtomicReference<>(start);
		}

		void set(Instant instant) {
			this.now.set(instant);
		}

		@Override
		public Instant instant() {
			return this.now.get();
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			throw new UnsupportedOperationException();
		}

	}

}

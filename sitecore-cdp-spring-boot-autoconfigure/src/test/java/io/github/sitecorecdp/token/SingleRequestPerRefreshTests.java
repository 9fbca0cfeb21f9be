package io.github.sitecorecdp.token;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.sitecorecdp.fake.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One background refresh is one token request, whatever the load: proven once by counting
 * exactly with the token request held open by the test, and once by hammering the manager
 * from many threads through many refresh windows.
 */
class SingleRequestPerRefreshTests {

	private static final Duration LIFETIME = Duration.ofHours(1);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

	@Test
	void whenSixteenThreadsCallThroughARefreshThenExactlyOneRequestIsMade() throws Exception {
		Queue<Sinks.One<OAuth2AccessToken>> pending = new ConcurrentLinkedQueue<>();
		AtomicInteger requests = new AtomicInteger();
		CdpAccessTokenManager manager = new CdpAccessTokenManager(() -> {
			requests.incrementAndGet();
			Sinks.One<OAuth2AccessToken> answer = Sinks.one();
			pending.add(answer);
			return answer.asMono();
		}, TokenPolicy.DEFAULTS, this.clock, () -> 0.0);
		CompletableFuture<OAuth2AccessToken> first = manager.getToken().toFuture();
		pending.poll().tryEmitValue(token("token-1"));
		assertThat(first.get(10, TimeUnit.SECONDS).getTokenValue()).isEqualTo("token-1");
		this.clock.advance(LIFETIME.minus(Duration.ofMinutes(4)));
		hammer(manager, 16, 1000);
		assertThat(requests).hasValue(2);
		// The refresh answers while callers keep coming: its token is stored before the
		// request is cleared, so nobody starts another one in between.
		ExecutorService threads = Executors.newFixedThreadPool(16);
		try {
			CountDownLatch calling = new CountDownLatch(16);
			List<Future<?>> callers = new ArrayList<>();
			for (int t = 0; t < 16; t++) {
				callers.add(threads.submit(() -> {
					for (int i = 0; i < 2000; i++) {
						manager.getToken().block(Duration.ofSeconds(10));
						if (i == 100) {
							calling.countDown();
						}
					}
					return null;
				}));
			}
			// Every thread is calling when the refresh answers.
			assertThat(calling.await(30, TimeUnit.SECONDS)).isTrue();
			pending.poll().tryEmitValue(token("token-2"));
			for (Future<?> caller : callers) {
				caller.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(manager.cachedToken().getTokenValue()).isEqualTo("token-2");
		assertThat(requests).hasValue(2);
		assertThat(pending).isEmpty();
	}

	@Test
	void whenManyThreadsCallThroughManyRefreshWindowsThenEachRefreshIsOneRequest() throws Exception {
		AtomicInteger requests = new AtomicInteger();
		AtomicInteger inFlight = new AtomicInteger();
		AtomicInteger overlapping = new AtomicInteger();
		AtomicInteger startedWhileAFreshTokenWasHeld = new AtomicInteger();
		AtomicReference<String> lastIssued = new AtomicReference<>();
		AtomicReference<CdpAccessTokenManager> managerRef = new AtomicReference<>();
		CdpAccessTokenManager manager = new CdpAccessTokenManager(() -> Mono.defer(() -> {
			int n = requests.incrementAndGet();
			if (inFlight.incrementAndGet() > 1) {
				overlapping.incrementAndGet();
			}
			// A refresh is due only for the newest token: a request made while an older one
			// was still in service is the defect (the refreshed token not yet stored).
			String current = managerRef.get().status().tokenFingerprint();
			String newest = lastIssued.get();
			if (current != null && newest != null && !current.equals(TokenFingerprint.of(newest))) {
				startedWhileAFreshTokenWasHeld.incrementAndGet();
			}
			Instant now = this.clock.instant();
			OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "token-" + n, now,
					now.plus(LIFETIME));
			return Mono.delay(Duration.ofNanos(ThreadLocalRandom.current().nextLong(50_000, 2_000_000)))
				.map((tick) -> {
					lastIssued.set(token.getTokenValue());
					inFlight.decrementAndGet();
					return token;
				});
		}).subscribeOn(Schedulers.parallel()), TokenPolicy.DEFAULTS, this.clock,
				() -> ThreadLocalRandom.current().nextDouble());
		managerRef.set(manager);
		manager.getToken().block(Duration.ofSeconds(10));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
		ExecutorService threads = Executors.newFixedThreadPool(8);
		AtomicInteger windows = new AtomicInteger();
		try {
			List<Future<?>> callers = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				callers.add(threads.submit(() -> {
					while (System.nanoTime() < deadline) {
						manager.getToken().block(Duration.ofSeconds(10));
					}
					return null;
				}));
			}
			while (System.nanoTime() < deadline) {
				// Into the next refresh window, then let the calls run through it.
				this.clock.advance(LIFETIME.minus(Duration.ofMinutes(2)));
				windows.incrementAndGet();
				Thread.sleep(5);
			}
			for (Future<?> caller : callers) {
				caller.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(windows.get()).isGreaterThan(100);
		assertThat(overlapping).hasValue(0);
		assertThat(startedWhileAFreshTokenWasHeld).hasValue(0);
		assertThat(requests.get()).isLessThanOrEqualTo(windows.get() + 1);
	}

	@Test
	void whenManyThreadsRejectTheSameTokenForSecondsThenItIsReplacedExactlyOnce() throws Exception {
		AtomicInteger requests = new AtomicInteger();
		CdpAccessTokenManager manager = new CdpAccessTokenManager(() -> Mono.fromSupplier(() -> {
			Instant now = this.clock.instant();
			return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "token-" + requests.incrementAndGet(),
					now, now.plus(LIFETIME));
		}), TokenPolicy.DEFAULTS, this.clock, () -> 0.0);
		manager.getToken().block(Duration.ofSeconds(10));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		AtomicInteger replays = new AtomicInteger();
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> callers = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				callers.add(threads.submit(() -> {
					while (System.nanoTime() < deadline) {
						// Every caller's call is answered 401, whatever token it carried.
						OAuth2AccessToken token = manager.getToken().block(Duration.ofSeconds(10));
						if (manager.reject(token)) {
							replays.incrementAndGet();
							manager.getToken().block(Duration.ofSeconds(10));
						}
					}
					return null;
				}));
			}
			for (Future<?> caller : callers) {
				caller.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		// The clock stands still: one replacement, then every refusal stands within the
		// backoff step (callers that raced the replacement replay with the newer token).
		assertThat(requests).hasValue(2);
		assertThat(replays.get()).isGreaterThanOrEqualTo(1);
	}

	private static void hammer(CdpAccessTokenManager manager, int threadCount, int callsEach) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(threadCount);
		try {
			List<Future<?>> callers = new ArrayList<>();
			for (int t = 0; t < threadCount; t++) {
				callers.add(threads.submit(() -> {
					for (int i = 0; i < callsEach; i++) {
						assertThat(manager.getToken().block(Duration.ofSeconds(10)).getTokenValue())
							.isEqualTo("token-1");
					}
					return null;
				}));
			}
			for (Future<?> caller : callers) {
				caller.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	private OAuth2AccessToken token(String value) {
		Instant now = this.clock.instant();
		return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, value, now, now.plus(LIFETIME));
	}

}

package io.github.sitecorecdp.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.sitecorecdp.fake.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listeners are told off the callers' path: a listener that blocks holds no caller, in
 * whichever event it blocks, and is still told every event, in order, once it goes on.
 */
class TokenListenerDispatchTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

	private final AtomicInteger requests = new AtomicInteger();

	private final CountDownLatch release = new CountDownLatch(1);

	private final List<String> told = new CopyOnWriteArrayList<>();

	/** Blocks in every event until released: the worst listener there is. */
	private final CdpTokenListener blocked = new CdpTokenListener() {

		@Override
		public void tokenRequested(TokenRequestOutcome outcome, CdpTokenOrigin origin, Duration duration) {
			hold("requested " + outcome + " from " + origin);
		}

		@Override
		public void backgroundRefreshStarted() {
			hold("refresh");
		}

		@Override
		public void tokenRejectedByApi() {
			hold("rejected");
		}

	};

	@Test
	void whenAListenerBlocksOnATokenAnsweredOnTheCallersThreadThenTheCallerStillGetsIt() {
		// The answer comes at once, so the caller's own thread settles the request.
		CdpAccessTokenManager manager = manager(TokenPolicy.DEFAULTS);
		CompletableFuture<String> caller = CompletableFuture
			.supplyAsync(() -> manager.getToken().block(TIMEOUT).getTokenValue());
		assertThat(caller).succeedsWithin(Duration.ofSeconds(2)).isEqualTo("token-1");
		this.release.countDown();
		await().atMost(TIMEOUT).until(() -> this.told.equals(List.of("requested SUCCESS from ENDPOINT")));
	}

	@Test
	void whenAListenerBlocksAsARefreshStartsThenTheCallerGoesOnWithTheCurrentToken() {
		CdpAccessTokenManager manager = manager(TokenPolicy.DEFAULTS);
		this.release.countDown();
		manager.obtainToken();
		await().atMost(TIMEOUT).until(() -> this.told.size() == 1);
		CountDownLatch releaseAgain = new CountDownLatch(1);
		List<String> later = new CopyOnWriteArrayList<>();
		CdpAccessTokenManager blockedOnRefresh = new CdpAccessTokenManager(this::issue, TokenPolicy.DEFAULTS,
				this.clock, () -> 0.0, new CdpTokenListener() {

					@Override
					public void backgroundRefreshStarted() {
						awaitQuietly(releaseAgain);
						later.add("refresh");
					}

				}, TIMEOUT);
		blockedOnRefresh.obtainToken();
		// Inside the refresh window: this caller installs the refresh and is told first.
		this.clock.advance(Duration.ofMinutes(58));
		CompletableFuture<String> caller = CompletableFuture
			.supplyAsync(() -> blockedOnRefresh.cachedToken().getTokenValue());
		assertThat(caller).succeedsWithin(Duration.ofSeconds(2)).isEqualTo("token-2");
		await().atMost(TIMEOUT).until(() -> "token-3".equals(blockedOnRefresh.cachedToken().getTokenValue()));
		releaseAgain.countDown();
		await().atMost(TIMEOUT).until(() -> later.equals(List.of("refresh")));
	}

	@Test
	void whenAListenerBlocksOnARejectedTokenThenTheRejectingCallerIsAnsweredAtOnce() {
		CdpAccessTokenManager manager = manager(TokenPolicy.DEFAULTS);
		OAuth2AccessToken first = manager.obtainToken();
		CompletableFuture<Boolean> rejecting = CompletableFuture.supplyAsync(() -> manager.reject(first));
		assertThat(rejecting).succeedsWithin(Duration.ofSeconds(2)).isEqualTo(true);
		CompletableFuture<String> replay = CompletableFuture
			.supplyAsync(() -> manager.getToken().block(TIMEOUT).getTokenValue());
		assertThat(replay).succeedsWithin(Duration.ofSeconds(2)).isEqualTo("token-2");
		this.release.countDown();
		// Every event, in the order it happened.
		await().atMost(TIMEOUT)
			.until(() -> this.told.equals(List.of("requested SUCCESS from ENDPOINT", "rejected",
					"requested SUCCESS from ENDPOINT")));
		assertThat(this.requests).hasValue(2);
	}

	@Test
	void whenManyCallersHammerWhileTheListenerIsBlockedThenNoneWaitsAndEveryEventIsToldOnceReleased()
			throws Exception {
		// 200 ms tokens on the real clock and a short backoff: many refreshes, requests and
		// rejections in a few seconds.
		TokenPolicy busy = new TokenPolicy(Duration.ofMillis(100), Duration.ofMillis(10), Duration.ofMillis(10),
				Duration.ofMillis(40));
		Clock wall = Clock.systemUTC();
		AtomicInteger rejectedAndReplayed = new AtomicInteger();
		AtomicLong slowestCallNanos = new AtomicLong();
		CdpAccessTokenManager manager = new CdpAccessTokenManager(() -> Mono.delay(Duration.ofMillis(1))
			.then(Mono.fromSupplier(() -> new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
					"token-" + this.requests.incrementAndGet(), wall.instant(),
					wall.instant().plusMillis(200)))),
				busy, wall, Math::random, this.blocked, TIMEOUT);
		long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
		ExecutorService threads = Executors.newFixedThreadPool(8);
		List<CompletableFuture<Integer>> workers = new ArrayList<>();
		try {
			for (int t = 0; t < 8; t++) {
				boolean rejects = t < 2;
				long firstRejection = System.nanoTime() + Duration.ofMillis(150L * t).toNanos();
				workers.add(CompletableFuture.supplyAsync(() -> {
					int calls = 0;
					// A rejection every 300 ms per rejecting thread: some tokens then live
					// past their refresh point (100 ms old), so refreshes are told too.
					long nextRejection = firstRejection;
					while (System.nanoTime() < end) {
						long started = System.nanoTime();
						OAuth2AccessToken token = manager.getToken().block(TIMEOUT);
						if (rejects && started >= nextRejection) {
							nextRejection = started + Duration.ofMillis(300).toNanos();
							if (manager.reject(token)) {
								rejectedAndReplayed.incrementAndGet();
							}
						}
						slowestCallNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
						calls++;
					}
					return calls;
				}, threads));
			}
			int calls = 0;
			for (CompletableFuture<Integer> worker : workers) {
				calls += worker.get(30, TimeUnit.SECONDS);
			}
			assertThat(calls).isGreaterThan(1000);
		}
		finally {
			threads.shutdownNow();
		}
		// The listener was blocked throughout; had any caller waited for it, it would have
		// waited until the release below, after these assertions.
		assertThat(this.told).isEmpty();
		assertThat(Duration.ofNanos(slowestCallNanos.get())).isLessThan(TIMEOUT);
		int made = this.requests.get();
		int rejections = rejectedAndReplayed.get();
		assertThat(made).isGreaterThan(10);
		// Below the queue's bound (the test would not prove "every event" otherwise); the
		// refreshes are among the requests made.
		assertThat(made * 2 + rejections).isLessThan(ListenerDispatcher.CAPACITY);
		this.release.countDown();
		// Read again while waiting: a refresh ahead that the last calls started may still be
		// in flight when the callers stop, and its request counts once it is made.
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(this.told)
				.hasSize(this.requests.get() + rejections + (int) refreshes()));
		assertThat(refreshes()).isPositive();
		assertThat(this.told).filteredOn((event) -> event.startsWith("requested SUCCESS"))
			.hasSize(this.requests.get());
		assertThat(this.told).filteredOn("rejected"::equals).hasSize(rejections);
	}

	private long refreshes() {
		return this.told.stream().filter("refresh"::equals).count();
	}

	private CdpAccessTokenManager manager(TokenPolicy policy) {
		return new CdpAccessTokenManager(this::issue, policy, this.clock, () -> 0.0, this.blocked, TIMEOUT);
	}

	private Mono<OAuth2AccessToken> issue() {
		return Mono.fromSupplier(() -> {
			int n = this.requests.incrementAndGet();
			Instant now = this.clock.instant();
			return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "token-" + n, now,
					now.plus(Duration.ofHours(1)));
		});
	}

	private void hold(String event) {
		awaitQuietly(this.release);
		this.told.add(event);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

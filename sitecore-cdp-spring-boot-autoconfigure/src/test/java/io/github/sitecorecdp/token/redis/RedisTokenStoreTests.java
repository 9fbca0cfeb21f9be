package io.github.sitecorecdp.token.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.github.sitecorecdp.actuate.SitecoreCdpMetrics;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.testsupport.RealRedis;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpCredentialsRejectedException;
import io.github.sitecorecdp.token.CdpTokenException;
import io.github.sitecorecdp.token.CdpTokenStoreState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Instances sharing one registration's token through a real Redis, counted exactly.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisTokenStoreTests {

	private static RealRedis redis;

	private final MutableClock clock = MutableClock.startingNow();

	private final FakeTokenEndpoint tokens = FakeTokenEndpoint.start(this.clock).tokenLifetime(Duration.ofHours(1));

	private RedisInstances instances;

	@BeforeAll
	static void startRedis() {
		redis = RealRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@BeforeEach
	void startInstances() {
		redis.flush();
		this.instances = new RedisInstances(redis, this.tokens, this.clock);
	}

	@AfterEach
	void stop() {
		this.instances.close();
		this.tokens.close();
	}

	@Test
	void whenInstancesStartColdTogetherThenOneTokenRequestServesThemAll() throws Exception {
		this.tokens.delayTokenResponses(Duration.ofMillis(300));
		List<CdpAccessTokenManager> fleet = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			fleet.add(this.instances.start());
		}
		// A thread each, all released at once: the common pool may run fewer at a time.
		ExecutorService threads = Executors.newFixedThreadPool(fleet.size());
		try {
			CyclicBarrier go = new CyclicBarrier(fleet.size());
			List<CompletableFuture<String>> calls = fleet.stream()
				.map((manager) -> CompletableFuture.supplyAsync(() -> {
					awaitQuietly(go);
					return manager.obtainToken().getTokenValue();
				}, threads))
				.toList();
			Set<String> seen = calls.stream().map(CompletableFuture::join).collect(Collectors.toSet());
			assertThat(this.tokens.requestCount()).isEqualTo(1);
			assertThat(seen).containsExactlyElementsOf(this.tokens.issuedTokens());
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void whenOneInstanceRefreshesThenTheOthersTakeItsTokenInsteadOfRequestingOne() {
		CdpAccessTokenManager first = this.instances.start();
		CdpAccessTokenManager second = this.instances.start();
		CdpAccessTokenManager third = this.instances.start();
		String initial = first.obtainToken().getTokenValue();
		assertThat(second.obtainToken().getTokenValue()).isEqualTo(initial);
		assertThat(third.obtainToken().getTokenValue()).isEqualTo(initial);
		// Past every refresh point (5 minutes ahead, jittered), before the stale point.
		this.clock.advance(Duration.ofMinutes(58).plusSeconds(30));
		assertThat(first.cachedToken().getTokenValue()).isEqualTo(initial);
		await().until(() -> !initial.equals(first.status().tokenFingerprint()) && this.tokens.requestCount() == 2
				&& first.cachedToken() != null && !first.cachedToken().getTokenValue().equals(initial));
		String refreshed = first.cachedToken().getTokenValue();
		second.cachedToken();
		third.cachedToken();
		await().until(() -> refreshed.equals(value(second.cachedToken())) && refreshed.equals(value(third.cachedToken())));
		assertThat(this.tokens.requestCount()).isEqualTo(2);
	}

	@Test
	void whenTheApiRefusesTheTokenOnOneInstanceThenOneNewTokenServesEveryInstance() {
		CdpAccessTokenManager first = this.instances.start();
		CdpAccessTokenManager second = this.instances.start();
		OAuth2AccessToken refused = first.obtainToken();
		assertThat(second.obtainToken().getTokenValue()).isEqualTo(refused.getTokenValue());
		assertThat(first.reject(refused)).isTrue();
		String replacement = first.obtainToken().getTokenValue();
		assertThat(second.reject(refused)).isTrue();
		assertThat(second.obtainToken().getTokenValue()).isEqualTo(replacement).isNotEqualTo(refused.getTokenValue());
		assertThat(this.tokens.requestCount()).isEqualTo(2);
	}

	@Test
	void whenOneInstanceAsksTheEndpointThenTheOthersCountTheirTokenAndBackoffAsFromTheSharedStore() {
		SimpleMeterRegistry firstRegistry = new SimpleMeterRegistry();
		SimpleMeterRegistry secondRegistry = new SimpleMeterRegistry();
		CdpAccessTokenManager[] managers = new CdpAccessTokenManager[2];
		SitecoreCdpMetrics firstMetrics = new SitecoreCdpMetrics(() -> managers[0]);
		SitecoreCdpMetrics secondMetrics = new SitecoreCdpMetrics(() -> managers[1]);
		firstMetrics.bindTo(firstRegistry);
		secondMetrics.bindTo(secondRegistry);
		managers[0] = this.instances.start(firstMetrics);
		managers[1] = this.instances.start(secondMetrics);
		String token = managers[0].obtainToken().getTokenValue();
		assertThat(managers[1].obtainToken().getTokenValue()).isEqualTo(token);
		this.clock.advance(Duration.ofHours(1));
		this.tokens.failTokenRequests(503, "{\"error\":\"temporarily_unavailable\"}");
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(managers[0]::obtainToken);
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(managers[1]::obtainToken)
			.withMessageContaining("as another instance found");
		await().untilAsserted(() -> {
			assertThat(tokenRequests(firstRegistry, "success", "endpoint")).isEqualTo(1);
			assertThat(tokenRequests(firstRegistry, "retryable_failure", "endpoint")).isEqualTo(1);
			assertThat(tokenRequests(secondRegistry, "success", "shared_store")).isEqualTo(1);
			assertThat(tokenRequests(secondRegistry, "retryable_failure", "shared_store")).isEqualTo(1);
		});
		// What the endpoint saw is the sum over source=endpoint, never more.
		assertThat(tokenRequests(secondRegistry, "success", "endpoint")
				+ tokenRequests(secondRegistry, "retryable_failure", "endpoint")).isZero();
		assertThat(firstRegistry.find("sitecore.cdp.token.requests").tag("source", "shared_store").timers())
			.isEmpty();
		assertThat(this.tokens.requestCount()).isEqualTo(2);
	}

	private static long tokenRequests(SimpleMeterRegistry registry, String outcome, String source) {
		io.micrometer.core.instrument.Timer timer = registry.find("sitecore.cdp.token.requests")
			.tag("outcome", outcome)
			.tag("source", source)
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	@Test
	void whenTheTokenEndpointFailsThenTheFleetBacksOffAsOne() {
		CdpAccessTokenManager first = this.instances.start();
		CdpAccessTokenManager second = this.instances.start();
		this.tokens.failTokenRequests(503, "{\"error\":\"temporarily_unavailable\"}");
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(first::obtainToken);
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(second::obtainToken)
			.withMessageContaining("as another instance found");
		assertThat(this.tokens.requestCount()).isEqualTo(1);
		this.tokens.recover();
		this.clock.advance(Duration.ofSeconds(31));
		String token = second.obtainToken().getTokenValue();
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(first.obtainToken().getTokenValue()).isEqualTo(token);
		assertThat(this.tokens.requestCount()).isEqualTo(2);
	}

	@Test
	void whenRedisStopsThenAnInstanceGetsItsOwnTokenSaysSoOnceAndRejoinsWhenRedisIsBack(CapturedOutput output) {
		CdpAccessTokenManager first = this.instances.start();
		OAuth2AccessToken shared = first.obtainToken();
		redis.stop();
		try {
			assertThat(first.reject(shared)).isTrue();
			OAuth2AccessToken own = first.obtainToken();
			// Past the backoff of refused tokens, so that the next refusal is acted on.
			this.clock.advance(Duration.ofSeconds(31));
			assertThat(first.reject(own)).isTrue();
			first.obtainToken();
			assertThat(first.status().store()).satisfies((store) -> {
				assertThat(store.shared()).isFalse();
				assertThat(store.problem()).isNotBlank();
			});
			assertThat(this.tokens.requestCount()).isEqualTo(3);
		}
		finally {
			redis.restart();
		}
		assertThat(output.getOut().split("the Redis token store is unavailable", -1)).hasSize(2);
		int before = this.tokens.requestCount();
		// Health and metrics read the state: they see Redis back without a token fetch.
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(first.status().store())
				.isEqualTo(new CdpTokenStoreState("redis", true, null)));
		assertThat(this.tokens.requestCount()).isEqualTo(before);
		this.clock.advance(Duration.ofSeconds(31));
		first.reject(first.obtainToken());
		first.obtainToken();
		CdpAccessTokenManager second = this.instances.start();
		assertThat(second.obtainToken().getTokenValue()).isEqualTo(first.obtainToken().getTokenValue());
		assertThat(output.getOut()).contains("the Redis token store answers again");
	}

	@Test
	void whenRedisStopsAndStartsWhileNoTokenIsNeededThenTheStoreStateFollowsWithinSeconds(CapturedOutput output) {
		CdpAccessTokenManager manager = this.instances.start();
		manager.obtainToken();
		redis.stop();
		try {
			// Nothing reads the state meanwhile (a health check or scrape would), and the
			// token is held: only the background probe can find Redis gone.
			await().atMost(Duration.ofSeconds(8))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> output.getOut().contains("the Redis token store is unavailable"));
			assertThat(manager.status().store().shared()).isFalse();
		}
		finally {
			redis.restart();
		}
		// Lettuce reconnects with its own backoff, which may take a while after a restart.
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> output.getOut().contains("the Redis token store answers again"));
		assertThat(manager.status().store()).isEqualTo(new CdpTokenStoreState("redis", true, null));
		assertThat(this.tokens.requestCount()).isEqualTo(1);
	}

	@Test
	void whenRedisIsUnavailableThenTheSharedStoreGaugeSaysSo() {
		CdpAccessTokenManager manager = this.instances.start();
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		// Kept in a variable to the end: the registry holds a gauge's object weakly, and a
		// collected one reads NaN.
		SitecoreCdpMetrics metrics = new SitecoreCdpMetrics(() -> manager);
		metrics.bindTo(registry);
		OAuth2AccessToken shared = manager.obtainToken();
		assertThat(registry.get("sitecore.cdp.token.store.shared").gauge().value()).isEqualTo(1.0);
		redis.stop();
		try {
			assertThat(manager.reject(shared)).isTrue();
			manager.obtainToken();
			assertThat(registry.get("sitecore.cdp.token.store.shared").gauge().value()).isEqualTo(0.0);
		}
		finally {
			redis.restart();
		}
		assertThat(metrics).isNotNull();
	}

	@Test
	void whenRedisIsReadWithoutTheSecretThenNeitherTheKeyNorTheTokenShows() {
		CdpAccessTokenManager first = this.instances.start();
		String token = first.obtainToken().getTokenValue();
		assertThat(redis.entries()).isNotEmpty().allSatisfy((key, value) -> {
			assertThat(key).doesNotContain(this.tokens.apiKey()).startsWith("test:token");
			assertThat(value).doesNotContain(token).doesNotContain(token.substring(0, 20))
				.doesNotContain(this.tokens.apiSecret());
		});
	}

	@Test
	void whenTheApiSecretIsRotatedThenOldEntriesAreNotUsed() {
		CdpAccessTokenManager before = this.instances.start();
		String old = before.obtainToken().getTokenValue();
		this.tokens.credentials(this.tokens.apiKey(), "rotated-secret");
		CdpAccessTokenManager after = this.instances.start("rotated-secret");
		assertThat(after.obtainToken().getTokenValue()).isNotEqualTo(old);
		assertThat(this.tokens.requestCount()).isEqualTo(2);
	}

	@Test
	void whenEveryOneOfReactorsSharedWorkersBlocksOnATokenThenTheFetchTheyWaitForStillRuns() {
		CdpAccessTokenManager manager = this.instances.start();
		// As many callers as boundedElastic has threads (10 per core), each holding its
		// worker until all hold one: a fetch scheduled there would find none free.
		int workers = Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE;
		CountDownLatch everyWorkerTaken = new CountDownLatch(workers);
		List<Mono<String>> callers = new ArrayList<>();
		for (int i = 0; i < workers; i++) {
			callers.add(Mono.fromCallable(() -> {
				everyWorkerTaken.countDown();
				assertThat(everyWorkerTaken.await(10, TimeUnit.SECONDS)).as("every worker taken").isTrue();
				return manager.obtainToken().getTokenValue();
			}).subscribeOn(Schedulers.boundedElastic()));
		}
		List<String> seen = Flux.merge(Flux.fromIterable(callers), workers).collectList().block(Duration.ofSeconds(30));
		assertThat(seen).hasSize(workers).containsOnly(this.tokens.issuedTokens().get(0));
		assertThat(this.tokens.requestCount()).isEqualTo(1);
	}

	@Test
	void whenALockWithoutExpiryBlocksTheFleetThenItIsRepairedAndTheCallStillGetsAToken() {
		CdpAccessTokenManager manager = this.instances.start();
		// Learn the entry's name, then plant a lock that never expires under it.
		String first = manager.obtainToken().getTokenValue();
		String entry = tokenEntry();
		redis.set(entry + ":lock", "someone-else");
		assertThat(manager.reject(manager.obtainToken())).isTrue();
		String second = manager.obtainToken().getTokenValue();
		assertThat(second).isNotEqualTo(first);
		assertThat(redis.ttl(entry + ":lock")).isNotEqualTo(-1);
	}

	@Test
	void whenTheEndpointRejectsTheCredentialsThenEveryInstanceSeesTheRejection() {
		CdpAccessTokenManager first = this.instances.start();
		CdpAccessTokenManager second = this.instances.start();
		this.tokens.credentials(this.tokens.apiKey(), "another-secret");
		assertThatExceptionOfType(CdpCredentialsRejectedException.class).isThrownBy(first::obtainToken);
		assertThatExceptionOfType(CdpCredentialsRejectedException.class).isThrownBy(second::obtainToken)
			.withMessageContaining("as another instance found");
		assertThat(this.tokens.requestCount()).isEqualTo(1);
	}

	@Test
	void whenAnotherTypeOfValueLiesUnderTheStoresKeysThenTheyAreReplaced() {
		CdpAccessTokenManager manager = this.instances.start();
		String token = manager.obtainToken().getTokenValue();
		String entry = tokenEntry();
		redis.flush();
		redis.listPush(entry, "not a token");
		redis.listPush("test:token-events", "not a stream");
		assertThat(manager.reject(manager.obtainToken())).isTrue();
		assertThat(manager.obtainToken().getTokenValue()).isNotEqualTo(token);
		assertThat(manager.status().store().shared()).isTrue();
		CdpAccessTokenManager other = this.instances.start();
		assertThat(other.obtainToken().getTokenValue()).isEqualTo(manager.obtainToken().getTokenValue());
	}

	/** The name of the one token entry in Redis. */
	private static String tokenEntry() {
		return redis.entries().keySet().stream().filter((key) -> key.matches("test:token:[0-9a-f]{32}")).findFirst()
			.orElseThrow();
	}

	private static String value(OAuth2AccessToken token) {
		return (token != null) ? token.getTokenValue() : null;
	}

	private static void awaitQuietly(CyclicBarrier barrier) {
		try {
			barrier.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (BrokenBarrierException | TimeoutException ex) {
			throw new IllegalStateException("Not every caller started at once", ex);
		}
	}

}

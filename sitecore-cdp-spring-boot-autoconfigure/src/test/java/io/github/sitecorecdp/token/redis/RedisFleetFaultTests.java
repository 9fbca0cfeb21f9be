package io.github.sitecorecdp.token.redis;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.token.CdpTokenSource;
import io.github.sitecorecdp.token.CdpTokenStore;
import reactor.core.Disposable;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.RealRedis;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What a rolling deploy, a node without NTP and one sick pod do to a fleet that shares
 * its token through a real Redis: a lock holder that stops or is killed (in a JVM of its
 * own, with SIGKILL) in the middle of its token request, clocks five minutes off, and an
 * instance whose token endpoint host does not resolve.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisFleetFaultTests {

	private static final Duration SOON = Duration.ofSeconds(30);

	private static RealRedis redis;

	private final MutableClock clock = MutableClock.startingNow();

	private FakeTokenEndpoint tokens;

	private RedisInstances instances;

	private final ExecutorService callers = Executors.newCachedThreadPool();

	@BeforeAll
	static void startRedis() {
		redis = RealRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@BeforeEach
	void flush() {
		redis.flush();
	}

	@AfterEach
	void stop() {
		this.callers.shutdownNow();
		if (this.instances != null) {
			this.instances.close();
		}
		if (this.tokens != null) {
			this.tokens.close();
		}
	}

	@Test
	void whenTheLockHolderStopsGracefullyMidRequestThenTheNextInstanceIsNotHeldUp(CapturedOutput output)
			throws Exception {
		startFleetOnRealTime(Duration.ofHours(1));
		this.tokens.delayTokenResponses(Duration.ofSeconds(60));
		CdpAccessTokenManager leaving = startInstance();
		CdpAccessTokenManager next = startInstance();
		CompletableFuture.runAsync(() -> leaving.obtainToken(), this.callers);
		await().atMost(SOON).until(() -> this.tokens.requestCount() == 1);
		this.tokens.delayTokenResponses(Duration.ZERO);
		CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> next.obtainToken().getTokenValue(),
				this.callers);
		Thread.sleep(300);
		long stoppedAt = System.nanoTime();
		this.instances.stop(leaving);
		String token = waiting.get(SOON.toSeconds(), TimeUnit.SECONDS);
		assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(3));
		assertThat(this.tokens.requestCount()).isEqualTo(2);
		assertThat(token).isEqualTo(this.tokens.issuedTokens().get(1));
		assertThat(output.getOut()).doesNotContain("the Redis token store is unavailable");
		assertThat(next.status().store().shared()).isTrue();
	}

	@Test
	void whenTheLockHoldersApplicationContextClosesMidRequestThenTheNextInstanceTakesOverAtOnce(
			CapturedOutput output) {
		this.tokens = FakeTokenEndpoint.start(Clock.systemUTC()).tokenLifetime(Duration.ofHours(1));
		this.tokens.delayTokenResponses(Duration.ofSeconds(60));
		// As an application runs it: Boot's Lettuce connection factory, a SmartLifecycle
		// that its context stops before it destroys any bean.
		ApplicationContextRunner application = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(BootLine.redisAutoConfiguration(),
					BootLine.webClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=" + this.tokens.apiKey(),
					"sitecore.cdp.api-secret=" + this.tokens.apiSecret(), "sitecore.cdp.token-uri=" + this.tokens.uri(),
					"sitecore.cdp.token.store=redis")
			.withPropertyValues(redis.springProperties());
		application.run((leaving) -> application.run((next) -> {
			CompletableFuture.runAsync(() -> leaving.getBean(CdpAccessTokenManager.class).obtainToken(),
					this.callers);
			await().atMost(SOON).until(() -> this.tokens.requestCount() == 1);
			this.tokens.delayTokenResponses(Duration.ZERO);
			CompletableFuture<String> waiting = CompletableFuture
				.supplyAsync(() -> next.getBean(CdpAccessTokenManager.class).obtainToken().getTokenValue(), this.callers);
			Thread.sleep(300);
			assertThat(waiting).isNotDone();
			long closedAt = System.nanoTime();
			leaving.close();
			String token = waiting.get(SOON.toSeconds(), TimeUnit.SECONDS);
			// The lease is 3 s and was renewed at most 1 s before: a lock left to expire
			// would hold the next instance at least 2 s.
			assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofMillis(1500));
			assertThat(this.tokens.requestCount()).isEqualTo(2);
			assertThat(token).isEqualTo(this.tokens.issuedTokens().get(1));
			assertThat(output.getOut()).doesNotContain("the Redis token store is unavailable");
		}));
	}

	@Test
	void whenAFetchIsCancelledMidRequestThenItsLockIsReleasedAtOnceAndNothingIsLoggedAsDropped(
			CapturedOutput output) {
		startFleetOnRealTime(Duration.ofHours(1));
		this.tokens.delayTokenResponses(Duration.ofSeconds(60));
		CdpTokenSource source = this.instances.startSource(this.tokens.apiSecret(), Clock.systemUTC(),
				this.tokens.uri());
		Disposable fetch = source.fetch(null).subscribe((token) -> {
		}, (ex) -> {
		});
		await().atMost(SOON).until(() -> this.tokens.requestCount() == 1);
		assertThat(redis.entries().keySet()).anyMatch((key) -> key.endsWith(":lock"));
		// Cancelled as the manager's watchdog or a shutdown cancels it: the fetch thread is
		// interrupted. Its lock must go now, not when its lease (3 s here) runs out.
		fetch.dispose();
		await().atMost(Duration.ofSeconds(1))
			.until(() -> redis.entries().keySet().stream().noneMatch((key) -> key.endsWith(":lock")));
		// The manager gave up on it and logged that; Reactor would log the interrupted
		// fetch's error again, with a stack trace, as dropped.
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
			.until(() -> !output.getOut().contains("onErrorDropped"));
	}

	@Test
	void whenTheLockHolderIsKilledMidRequestThenOneWaiterTakesOverWithinSeconds(CapturedOutput output)
			throws Exception {
		startFleetOnRealTime(Duration.ofHours(1));
		this.tokens.delayTokenResponses(Duration.ofSeconds(60));
		Path log = Files.createTempFile("lock-holder", ".log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				LockHolderProcess.class.getName(), String.valueOf(redis.port()), this.tokens.uri().toString(),
				this.tokens.apiKey(), this.tokens.apiSecret())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			await().atMost(SOON).until(() -> this.tokens.requestCount() == 1);
			// It asks under the fleet's lock, not alone.
			assertThat(redis.entries().keySet()).anyMatch((key) -> key.endsWith(":lock"));
			this.tokens.delayTokenResponses(Duration.ZERO);
			List<CdpAccessTokenManager> waiters = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				waiters.add(startInstance());
			}
			List<CompletableFuture<String>> calls = waiters.stream()
				.map((manager) -> CompletableFuture.supplyAsync(() -> manager.obtainToken().getTokenValue(),
						this.callers))
				.toList();
			Thread.sleep(500);
			assertThat(calls).noneMatch(CompletableFuture::isDone);
			long killedAt = System.nanoTime();
			holder.destroyForcibly();
			assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
			Set<String> seen = calls.stream().map(CompletableFuture::join).collect(Collectors.toSet());
			// The lease of a dead holder (3 s with a 1 s Redis timeout) and one token request.
			assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(6));
			assertThat(this.tokens.requestCount()).isEqualTo(2);
			// The killed holder's request was answered to nobody: the takeover's token serves all.
			assertThat(seen).containsExactly(this.tokens.issuedTokens().get(1));
			assertThat(output.getOut()).doesNotContain("the Redis token store is unavailable");
			assertThat(waiters).allSatisfy((manager) -> assertThat(manager.status().store().shared()).isTrue());
		}
		finally {
			holder.destroyForcibly();
			File file = log.toFile();
			assertThat(Files.readString(file.toPath())).contains("holder: asking for a token")
				.doesNotContain("holder: got");
			Files.deleteIfExists(log);
		}
	}

	@Test
	void whenADeadHoldersLeaseEndsThenAWaiterTakesOverAtThatMomentNotAtItsNextLook(CapturedOutput output)
			throws Exception {
		startFleetOnRealTime(Duration.ofHours(1));
		CdpAccessTokenManager waiter = startInstance();
		CdpTokenStore.Registration registration = new CdpTokenStore.Registration("Sitecore CDP", this.tokens.apiKey(),
				this.tokens.apiSecret(), FakeTokenEndpoint.AUDIENCE, this.tokens.uri());
		// What a holder killed some time after its last renewal leaves: a lock whose lease
		// ends in 2.6 s at most (counted from before the write returned).
		redis.set(TokenSeal.of("test", registration).name() + ":lock", "dead-holder", Duration.ofMillis(2600));
		long plantedAt = System.nanoTime();
		String token = CompletableFuture.supplyAsync(() -> waiter.obtainToken().getTokenValue(), this.callers)
			.get(SOON.toSeconds(), TimeUnit.SECONDS);
		// A waiter that looked again only after each Redis timeout (1 s from its start)
		// would find the lock gone 3 s in.
		assertThat(Duration.ofNanos(System.nanoTime() - plantedAt)).isBetween(Duration.ofSeconds(2),
				Duration.ofMillis(2900));
		assertThat(token).isEqualTo(this.tokens.issuedTokens().get(0));
		assertThat(this.tokens.requestCount()).isEqualTo(1);
		assertThat(output.getOut()).doesNotContain("the Redis token store is unavailable")
			.doesNotContain("requests its own");
		assertThat(waiter.status().store().shared()).isTrue();
	}

	@Test
	void whenTheLockHolderStaysInItsRequestThenAWaiterRequestsItsOwnAfterItsWaitWithoutCallingRedisUnavailable(
			CapturedOutput output) throws Exception {
		startFleetOnRealTime(Duration.ofHours(1));
		this.tokens.delayTokenResponses(Duration.ofSeconds(60));
		// Alive, renewing its lease, and allowed a longer token request than the waiter
		// (as after a deploy that changed the timeouts).
		CdpAccessTokenManager holder = this.instances.start(Duration.ofSeconds(60));
		CompletableFuture.runAsync(() -> holder.obtainToken(), this.callers);
		await().atMost(SOON).until(() -> this.tokens.requestCount() == 1);
		this.tokens.delayTokenResponses(Duration.ZERO);
		CdpAccessTokenManager waiter = startInstance();
		long startedAt = System.nanoTime();
		String token = waiter.obtainToken().getTokenValue();
		// Its own token timeout (5 s), a lease (3 s), 4 Redis timeouts (4 s) and 2 s; then
		// one more look (at most a Redis timeout) and its own request.
		assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isBetween(Duration.ofSeconds(14),
				Duration.ofSeconds(16));
		assertThat(token).isEqualTo(this.tokens.issuedTokens().get(1));
		assertThat(this.tokens.requestCount()).isEqualTo(2);
		assertThat(output.getOut()).contains("gave no token within 14000 ms; this instance requests its own")
			.doesNotContain("the Redis token store is unavailable");
		assertThat(waiter.status().store().shared()).isTrue();
	}

	@Test
	void whenInstanceClocksAreFiveMinutesOffThenNoneSendsAnExpiredToken() throws Exception {
		startFleetOnRealTime(Duration.ofSeconds(4));
		List<CdpAccessTokenManager> fleet = List.of(startInstance(Clock.systemUTC()),
				startInstance(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-5))),
				startInstance(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(5))));
		List<String> expired = new ArrayList<>();
		int calls = 0;
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(9);
		while (System.nanoTime() < end) {
			for (CdpAccessTokenManager manager : fleet) {
				String token = manager.obtainToken().getTokenValue();
				calls++;
				if (!this.tokens.isValid(token)) {
					expired.add("instance " + fleet.indexOf(manager) + " at call " + calls);
				}
			}
			Thread.sleep(20);
		}
		assertThat(expired).isEmpty();
		// 4-second tokens refreshed 2 to 2.3 s after their request: one request per
		// refresh for the three, where each on its own clock would make its own.
		assertThat(this.tokens.requestCount()).isBetween(4, 7);
	}

	@Test
	void whenOneInstanceCannotResolveTheTokenEndpointThenTheOthersStillGetTokens() {
		this.tokens = FakeTokenEndpoint.start(this.clock).tokenLifetime(Duration.ofHours(1));
		this.instances = new RedisInstances(redis, this.tokens, this.clock);
		URI unresolvable = URI.create("http://token-endpoint.invalid:" + this.tokens.uri().getPort()
				+ FakeTokenEndpoint.PATH);
		CdpAccessTokenManager sick = this.instances.start(this.tokens.apiSecret(), this.clock, unresolvable);
		CdpAccessTokenManager healthy = this.instances.start();
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(sick::obtainToken)
			.withMessageContaining("token-endpoint.invalid");
		String token = healthy.obtainToken().getTokenValue();
		assertThat(this.tokens.requestCount()).isEqualTo(1);
		// Past the sick instance's own backoff: it takes the healthy one's token.
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(sick.obtainToken().getTokenValue()).isEqualTo(token);
		assertThat(this.tokens.requestCount()).isEqualTo(1);
	}

	private void startFleetOnRealTime(Duration lifetime) {
		this.tokens = FakeTokenEndpoint.start(Clock.systemUTC()).tokenLifetime(lifetime);
		this.instances = new RedisInstances(redis, this.tokens, this.clock);
	}

	private CdpAccessTokenManager startInstance() {
		return startInstance(Clock.systemUTC());
	}

	private CdpAccessTokenManager startInstance(Clock clock) {
		return this.instances.start(this.tokens.apiSecret(), clock, this.tokens.uri());
	}

}

package io.github.sitecorecdp.token.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.fake.RecordedCdpRequest;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import io.github.sitecorecdp.testsupport.RealRedis;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DeferredImportSelector;
import org.springframework.context.annotation.Import;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fleet: 20 application contexts in one JVM, each with its own Redis connection from
 * Boot's {@code spring.data.redis.*}, sharing one real Redis, one token endpoint and one
 * simulated clock, each calling the API through its {@code cdpWebClient}.
 */
class RedisTokenFleetTests {

	private static final int FLEET = 20;

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final MutableClock clock = MutableClock.startingNow();

	private static RealRedis redis;

	private final FakeTokenEndpoint tokens = FakeTokenEndpoint.start(clock).tokenLifetime(Duration.ofHours(1));

	private final FakeCdpApi api = FakeCdpApi.start(this.tokens, clock, null).stub("/**", EchoPath::json);

	private final List<ConfigurableApplicationContext> fleet = new ArrayList<>();

	@BeforeAll
	static void startRedis() {
		redis = RealRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@BeforeEach
	void startFleet() {
		redis.flush();
		// One after the other: Boot's logging system is not made to start in parallel.
		for (int i = 0; i < FLEET; i++) {
			this.fleet.add(start(i));
		}
	}

	@AfterEach
	void stopFleet() {
		this.fleet.forEach(ConfigurableApplicationContext::close);
		this.api.close();
		this.tokens.close();
	}

	@Test
	void whenTheFleetStartsColdAndRunsADayThenItRequestsOneTokenPerRefresh() {
		// A thread each, all released at once: the common pool may run fewer at a time.
		ExecutorService threads = Executors.newFixedThreadPool(FLEET);
		try {
			CyclicBarrier go = new CyclicBarrier(FLEET);
			List<CompletableFuture<String>> calls = this.fleet.stream()
				.map((context) -> CompletableFuture.supplyAsync(() -> {
					awaitQuietly(go);
					return call(context);
				}, threads))
				.toList();
			calls.forEach(CompletableFuture::join);
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(this.tokens.requestCount()).isEqualTo(1);
		assertThat(bearerTokens()).hasSize(1);
		// A day in steps of five minutes, every instance calling at every step.
		for (int step = 0; step < 24 * 12; step++) {
			clock.advance(Duration.ofMinutes(5));
			this.fleet.parallelStream().forEach(RedisTokenFleetTests::call);
		}
		// Tokens live an hour: one request per hour for the fleet, where twenty instances
		// alone would make twenty.
		assertThat(this.tokens.requestCount()).isBetween(24, 26);
		assertThat(bearerTokens()).hasSize(this.tokens.requestCount());
		assertThat(this.api.requests()).allSatisfy((request) -> assertThat(request.status()).isEqualTo(200));
	}

	@Test
	void whenTheApiRefusesTheTokenOnOneInstanceThenOneNewTokenServesTheFleet() {
		this.fleet.forEach(RedisTokenFleetTests::call);
		String refused = this.tokens.issuedTokens().get(0);
		this.tokens.revoke(refused);
		call(this.fleet.get(0));
		this.fleet.parallelStream().forEach(RedisTokenFleetTests::call);
		assertThat(this.tokens.requestCount()).isEqualTo(2);
		String replacement = this.tokens.issuedTokens().get(1);
		int calls = this.api.requests().size();
		this.fleet.forEach(RedisTokenFleetTests::call);
		assertThat(this.api.requests().subList(calls, this.api.requests().size()))
			.allSatisfy((request) -> assertThat(request.bearerToken()).isEqualTo(replacement));
	}

	@Test
	void whenRedisStopsThenCallsGoOnAndWhenItIsBackTheFleetConvergesOnOneToken() {
		this.fleet.forEach(RedisTokenFleetTests::call);
		redis.stop();
		// Past every instance's refresh point and the stale point: each needs a token now.
		clock.advance(Duration.ofMinutes(59).plusSeconds(30));
		this.fleet.parallelStream().forEach(RedisTokenFleetTests::call);
		int duringOutage = this.tokens.requestCount() - 1;
		// Each instance on its own, as without the store: at most one each.
		assertThat(duringOutage).isBetween(1, FLEET);
		assertThat(this.api.requests()).allSatisfy((request) -> assertThat(request.status()).isEqualTo(200));
		assertThat(this.fleet).allSatisfy((context) -> assertThat(manager(context).status().store().shared()).isFalse());
		redis.restart();
		this.fleet.forEach((context) -> await().atMost(Duration.ofSeconds(60))
			.ignoreExceptions()
			.until(() -> "PONG".equals(context.getBean(RedisConnectionFactory.class).getConnection().ping())));
		int before = this.tokens.requestCount();
		clock.advance(Duration.ofMinutes(59).plusSeconds(30));
		this.fleet.parallelStream().forEach(RedisTokenFleetTests::call);
		assertThat(this.tokens.requestCount() - before).isEqualTo(1);
		int calls = this.api.requests().size();
		this.fleet.forEach(RedisTokenFleetTests::call);
		assertThat(this.api.requests().subList(calls, this.api.requests().size()).stream()
			.map(RecordedCdpRequest::bearerToken)
			.collect(Collectors.toSet())).hasSize(1);
		assertThat(this.fleet).allSatisfy((context) -> assertThat(manager(context).status().store().shared()).isTrue());
	}

	private ConfigurableApplicationContext start(int instance) {
		return new SpringApplicationBuilder(Instance.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "spring.application.name=instance-" + instance,
					"sitecore.cdp.api-key=" + this.tokens.apiKey(), "sitecore.cdp.api-secret=" + this.tokens.apiSecret(),
					"sitecore.cdp.token-uri=" + this.tokens.uri(), "sitecore.cdp.base-url=" + this.api.baseUrl(),
					"sitecore.cdp.token.store=redis",
					"sitecore.cdp.token.connect-timeout=1s", "sitecore.cdp.token.response-timeout=2s",
					"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port(),
					"spring.data.redis.timeout=2s")
			.run();
	}

	private Set<String> bearerTokens() {
		return this.api.requests().stream().map(RecordedCdpRequest::bearerToken).collect(Collectors.toSet());
	}

	private static String call(ConfigurableApplicationContext context) {
		return context.getBean("cdpWebClient", WebClient.class)
			.get()
			.uri("/v2/guests")
			.retrieve()
			.bodyToMono(String.class)
			.block(TIMEOUT);
	}

	private static CdpAccessTokenManager manager(ConfigurableApplicationContext context) {
		return context.getBean(CdpAccessTokenManager.class);
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
			throw new IllegalStateException("Not every instance started at once", ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@Import(AutoConfigurations.class)
	static class Instance {

		@Bean(SitecoreCdpAutoConfiguration.CLOCK_BEAN_NAME)
		MutableClock sitecoreCdpClock() {
			return clock;
		}

	}

	/** Boot's Redis and WebClient auto-configurations and ours, after the instance's beans. */
	static class AutoConfigurations implements DeferredImportSelector {

		@Override
		public String[] selectImports(AnnotationMetadata metadata) {
			return new String[] { BootLine.redisAutoConfiguration().getName(),
					BootLine.webClientAutoConfiguration().getName(), SitecoreCdpAutoConfiguration.class.getName() };
		}

	}

}

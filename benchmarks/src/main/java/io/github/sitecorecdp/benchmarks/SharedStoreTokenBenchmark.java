package io.github.sitecorecdp.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.CdpTokenListener;
import io.github.sitecorecdp.token.CdpTokenSource;
import io.github.sitecorecdp.token.CdpTokenStore;
import io.github.sitecorecdp.token.TokenPolicy;
import io.github.sitecorecdp.token.redis.RedisTokenStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The cached-token lookup with the Redis token store against the in-memory store (issue
 * 14's target: at most 1.1 times), one caller at a time and from eight threads. Each store
 * runs in forks of its own ({@code @Param}), against a real Redis for {@code redis}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SharedStoreTokenBenchmark {

	@Param({ "memory", "redis" })
	public String store;

	private BenchServer server;

	private BenchRedis redis;

	private LettuceConnectionFactory connection;

	private RedisTokenStore redisStore;

	private CdpAccessTokenManager tokenManager;

	@Setup
	public void start() {
		this.server = new BenchServer(Clock.systemUTC());
		CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient("bench-key", "bench-secret",
				this.server.tokenUri(), "https://api.sitecorecloud.io", WebClient.create(), Duration.ofSeconds(10),
				Clock.systemUTC());
		CdpTokenSource source = endpoint;
		if (this.store.equals("redis")) {
			this.redis = new BenchRedis();
			this.connection = this.redis.connectionFactory();
			this.redisStore = new RedisTokenStore(this.connection, "bench", Duration.ofSeconds(1), Clock.systemUTC());
			source = this.redisStore.sourceFor(new CdpTokenStore.Registration("Sitecore CDP", "bench-key",
					"bench-secret", "https://api.sitecorecloud.io", this.server.tokenUri()), endpoint, TokenPolicy.DEFAULTS);
		}
		this.tokenManager = new CdpAccessTokenManager("Sitecore CDP", source, TokenPolicy.DEFAULTS, Clock.systemUTC(),
				CdpTokenListener.NONE);
		this.tokenManager.getToken().block(Duration.ofSeconds(10));
	}

	@TearDown
	public void stop() {
		if (this.redisStore != null) {
			this.redisStore.destroy();
			this.connection.destroy();
			this.redis.close();
		}
		this.server.close();
	}

	/** What the connector reads on every call. */
	@Benchmark
	public OAuth2AccessToken cachedToken() {
		return this.tokenManager.cachedToken();
	}

	@Benchmark
	public Mono<OAuth2AccessToken> getToken() {
		return this.tokenManager.getToken();
	}

	@Benchmark
	@Threads(8)
	public OAuth2AccessToken cachedTokenEightThreads() {
		return this.tokenManager.cachedToken();
	}

}

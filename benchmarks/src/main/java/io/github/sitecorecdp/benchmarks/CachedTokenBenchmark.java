package io.github.sitecorecdp.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.TokenPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Cost of handing out the cached token: {@link CdpAccessTokenManager#getToken()} with a
 * warm cache, against returning a ready {@link Mono} from a field (the floor).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CachedTokenBenchmark {

	private BenchServer server;

	private CdpAccessTokenManager tokenManager;

	private Mono<OAuth2AccessToken> ready;

	@Setup
	public void start() {
		this.server = new BenchServer(Clock.systemUTC());
		CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient("bench-key", "bench-secret",
				this.server.tokenUri(), "https://api.sitecorecloud.io", WebClient.create(), Duration.ofSeconds(10),
				Clock.systemUTC());
		this.tokenManager = new CdpAccessTokenManager(endpoint, TokenPolicy.DEFAULTS, Clock.systemUTC());
		this.ready = Mono.just(this.tokenManager.getToken().block(Duration.ofSeconds(10)));
	}

	@TearDown
	public void stop() {
		this.server.close();
	}

	@Benchmark
	public Mono<OAuth2AccessToken> readyMono() {
		return this.ready;
	}

	@Benchmark
	public Mono<OAuth2AccessToken> cachedToken() {
		return this.tokenManager.getToken();
	}

}

package io.github.sitecorecdp.benchmarks;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.TokenPolicy;
import io.github.sitecorecdp.web.CdpBearerClientHttpConnector;
import io.github.sitecorecdp.web.CdpBearerProtocol;
import io.github.sitecorecdp.web.CdpHost;
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

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.mock.http.client.reactive.MockClientHttpRequest;
import org.springframework.mock.http.client.reactive.MockClientHttpResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The CPU cost of the starter's token layer alone, without a network: the starter's
 * connector around a connector that answers at once, against the same connector setting a
 * constant header. What the starter adds to every call is the difference between the two.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConnectorOverheadBenchmark {

	private static final URI API = URI.create("https://api-engage-eu.sitecorecloud.io/v2/ping");

	private BenchServer server;

	private ClientHttpConnector constantHeader;

	private ClientHttpConnector ours;

	@Setup
	public void start() {
		this.server = new BenchServer(Clock.systemUTC());
		ClientHttpConnector answersAtOnce = (method, uri, callback) -> {
			MockClientHttpRequest request = new MockClientHttpRequest(method, uri);
			return callback.apply(request).then(Mono.fromSupplier(() -> new MockClientHttpResponse(HttpStatus.OK)));
		};
		this.constantHeader = (method, uri, callback) -> answersAtOnce.connect(method, uri, (request) -> {
			request.getHeaders().set(HttpHeaders.AUTHORIZATION, "Bearer " + BenchServer.STATIC_TOKEN);
			return callback.apply(request);
		});
		CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient("bench-key", "bench-secret",
				this.server.tokenUri(), "https://api.sitecorecloud.io", WebClient.create(), Duration.ofSeconds(10),
				Clock.systemUTC());
		CdpAccessTokenManager tokenManager = new CdpAccessTokenManager(endpoint, TokenPolicy.DEFAULTS,
				Clock.systemUTC());
		tokenManager.getToken().block(Duration.ofSeconds(10));
		this.ours = new CdpBearerClientHttpConnector(answersAtOnce,
				new CdpBearerProtocol(tokenManager, CdpHost.of(URI.create("https://api-engage-eu.sitecorecloud.io"))));
	}

	@TearDown
	public void stop() {
		this.server.close();
	}

	@Benchmark
	public ClientHttpResponse constantHeader() {
		return this.constantHeader.connect(HttpMethod.GET, API, (request) -> request.setComplete()).block();
	}

	@Benchmark
	public ClientHttpResponse ours() {
		return this.ours.connect(HttpMethod.GET, API, (request) -> request.setComplete()).block();
	}

}

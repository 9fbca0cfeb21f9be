package io.github.sitecorecdp.web;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.TokenPolicy;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls that waited for the first token open their connections over several event loops, not
 * all on the loop where the token arrived. Token call and API calls share the event loops,
 * as they do in an application (Reactor Netty's global resources).
 */
class ConnectionSpreadTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final int LOOPS = 4;

	private static final int CALLS = 16;

	private final Map<EventLoop, Integer> connectionsPerLoop = new ConcurrentHashMap<>();

	private LoopResources loops;

	private ConnectionProvider connections;

	private FakeTokenEndpoint tokenEndpoint;

	private DisposableServer api;

	private WebClient webClient;

	@BeforeEach
	void start() {
		this.loops = LoopResources.create("spread", LOOPS, true);
		this.connections = ConnectionProvider.builder("spread").maxConnections(CALLS).build();
		// Slow enough that every call is waiting when the token arrives.
		this.tokenEndpoint = FakeTokenEndpoint.start()
			.credentials("key", "secret")
			.delayTokenResponses(Duration.ofMillis(300));
		this.api = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			// Held long enough that no connection is free for another call of the burst, even
			// when a pause delays some calls of it.
			.handle((request, response) -> Mono.delay(Duration.ofSeconds(1))
				.then(response.header("Content-Type", "application/json").sendString(Mono.just("{}")).then()))
			.bindNow();
		WebClient tokenClient = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create().runOn(this.loops)))
			.build();
		CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient("key", "secret", this.tokenEndpoint.uri(),
				FakeTokenEndpoint.AUDIENCE, tokenClient, TIMEOUT, Clock.systemUTC());
		CdpAccessTokenManager manager = new CdpAccessTokenManager(endpoint, TokenPolicy.DEFAULTS, Clock.systemUTC());
		URI baseUrl = URI.create("http://127.0.0.1:" + this.api.port());
		HttpClient apiClient = HttpClient.create(this.connections)
			.runOn(this.loops)
			.doOnConnected((connection) -> this.connectionsPerLoop.merge(connection.channel().eventLoop(), 1,
					Integer::sum));
		this.webClient = WebClient.builder()
			.baseUrl(baseUrl.toString())
			.clientConnector(new CdpBearerClientHttpConnector(new ReactorClientHttpConnector(apiClient),
					new CdpBearerProtocol(manager, CdpHost.of(baseUrl))))
			.build();
	}

	@AfterEach
	void stop() {
		this.connections.disposeLater().block(TIMEOUT);
		this.api.disposeNow();
		this.tokenEndpoint.close();
		this.loops.disposeLater().block(TIMEOUT);
	}

	@Test
	void whenABurstOfCallsWaitsForTheFirstTokenThenNoOneEventLoopHoldsItsConnections() {
		Long answered = Flux.range(0, CALLS)
			.flatMap((i) -> this.webClient.get().uri("/v2/guests").retrieve().bodyToMono(String.class), CALLS)
			.count()
			.block(TIMEOUT);
		assertThat(answered).isEqualTo(CALLS);
		assertThat(this.tokenEndpoint.issuedTokenCount()).isOne();
		assertThat(this.connectionsPerLoop.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(CALLS);
		// Opened from threads that are not event loops, new connections go round the loops;
		// Reactor Netty's round decides the exact shares (8 and 8 of 16 on 4 loops here),
		// what matters is that no one loop holds the burst (before: all 16 on one).
		assertThat(this.connectionsPerLoop.size()).isGreaterThan(1);
		assertThat(this.connectionsPerLoop.values()).allSatisfy((count) -> assertThat(count).isLessThanOrEqualTo(CALLS / 2));
	}

}

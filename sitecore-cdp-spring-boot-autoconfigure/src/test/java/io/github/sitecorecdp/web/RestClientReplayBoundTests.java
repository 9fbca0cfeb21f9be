package io.github.sitecorecdp.web;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.TokenPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code cdpRestClient} keeps the same bound as {@code cdpWebClient}: a body of at most
 * 1 MiB is replayed after a 401; a larger one is sent once, its 401 is released (on a pool
 * of one connection, the next call still gets through) and the call fails saying why.
 */
class RestClientReplayBoundTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final AtomicInteger answer401 = new AtomicInteger();

	private final List<Integer> receivedSizes = new CopyOnWriteArrayList<>();

	private final List<String> receivedTokens = new CopyOnWriteArrayList<>();

	private FakeTokenEndpoint tokenEndpoint;

	private DisposableServer api;

	private ConnectionProvider oneConnection;

	private RestClient client;

	@BeforeEach
	void start() {
		this.tokenEndpoint = FakeTokenEndpoint.start().credentials("key", "secret").tokenValues((n) -> "token-" + n);
		this.api = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> request.receive()
			.aggregate()
			.asByteArray()
			.defaultIfEmpty(new byte[0])
			.flatMap((body) -> {
				this.receivedSizes.add(body.length);
				this.receivedTokens.add(String.valueOf(request.requestHeaders().get("Authorization")));
				if (this.answer401.getAndDecrement() > 0) {
					// A body of its own, which the client must release.
					return response.status(401).sendString(Mono.just("x".repeat(8192))).then();
				}
				return response.status(200)
					.header("Content-Type", "application/json")
					.sendString(Mono.just("{\"ok\":true}"))
					.then();
			})).bindNow();
		this.oneConnection = ConnectionProvider.builder("one").maxConnections(1)
			.pendingAcquireTimeout(Duration.ofSeconds(3)).build();
		CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient("key", "secret", this.tokenEndpoint.uri(),
				FakeTokenEndpoint.AUDIENCE, WebClient.create(), TIMEOUT, Clock.systemUTC());
		CdpAccessTokenManager manager = new CdpAccessTokenManager(endpoint, TokenPolicy.DEFAULTS, Clock.systemUTC());
		URI baseUrl = URI.create("http://127.0.0.1:" + this.api.port());
		this.client = RestClient.builder()
			.baseUrl(baseUrl.toString())
			.requestFactory(new CdpBearerClientHttpRequestFactory(
					new ReactorClientHttpRequestFactory(HttpClient.create(this.oneConnection)),
					new CdpBearerProtocol(manager, CdpHost.of(baseUrl))))
			.build();
	}

	@AfterEach
	void stop() {
		this.oneConnection.disposeLater().block(TIMEOUT);
		this.api.disposeNow();
		this.tokenEndpoint.close();
	}

	@Test
	void whenABodyOverOneMebibyteIsAnswered401ThenItIsNotReplayedAndTheConnectionIsReleased() {
		this.answer401.set(1);
		byte[] large = new byte[2 * 1024 * 1024];
		assertThatIllegalStateException().isThrownBy(() -> post(large))
			.withMessageContaining("larger than 1024 KiB and was not kept for a replay")
			.withMessageContaining("The refused token has been dropped");
		assertThat(this.receivedSizes).containsExactly(large.length);
		// The one connection was given back: the next call gets through, with a new token.
		assertThat(post(new byte[10])).contains("ok");
		assertThat(this.receivedSizes).containsExactly(large.length, 10);
		assertThat(this.receivedTokens).containsExactly("Bearer token-1", "Bearer token-2");
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
	}

	@Test
	void whenABodyOfOneMebibyteIsAnswered401ThenTheSameBytesAreReplayedOnTheOneConnection() {
		this.answer401.set(1);
		byte[] limit = new byte[1024 * 1024];
		assertThat(post(limit)).contains("ok");
		assertThat(this.receivedSizes).containsExactly(limit.length, limit.length);
		assertThat(this.receivedTokens).containsExactly("Bearer token-1", "Bearer token-2");
	}

	private String post(byte[] body) {
		return this.client.post().uri("/v2/guests").body(body).retrieve().body(String.class);
	}

}

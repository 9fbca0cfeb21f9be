package io.github.sitecorecdp.web;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the 401 replay promises beyond the body bytes of {@code cdpWebClient}: the 401's body is
 * released so that, on a pool of one connection, the replay still gets through; the replay carries
 * the first attempt's cookies and custom headers; and {@code cdpRestClient} replays every body kind
 * byte for byte.
 */
class ReplayPromiseTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final AtomicInteger answer401 = new AtomicInteger();

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private FakeTokenEndpoint tokenEndpoint;

	private DisposableServer api;

	private ConnectionProvider oneConnection;

	private WebClient webClient;

	private RestClient restClient;

	@BeforeEach
	void start() {
		this.tokenEndpoint = FakeTokenEndpoint.start().credentials("key", "secret").tokenValues((n) -> "token-" + n);
		this.api = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> request.receive()
			.aggregate()
			.asByteArray()
			.defaultIfEmpty(new byte[0])
			.flatMap((body) -> {
				this.received.add(new Received(request.requestHeaders().get("Authorization"),
						request.requestHeaders().get("Cookie"), request.requestHeaders().get("X-Trace"),
						request.requestHeaders().get("Content-Type"), body));
				if (this.answer401.getAndDecrement() > 0) {
					// A body of its own, which the client must release before the replay can
					// have the one connection.
					return response.status(401).sendString(Mono.just("x".repeat(8192))).then();
				}
				return response.status(200)
					.header("Content-Type", "application/json")
					.sendString(Mono.just("{\"ok\":true}"))
					.then();
			}))
			.bindNow();
		this.oneConnection = ConnectionProvider.builder("one")
			.maxConnections(1)
			.pendingAcquireTimeout(Duration.ofSeconds(3))
			.build();
		CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient("key", "secret", this.tokenEndpoint.uri(),
				FakeTokenEndpoint.AUDIENCE, WebClient.create(), TIMEOUT, Clock.systemUTC());
		CdpAccessTokenManager manager = new CdpAccessTokenManager(endpoint, TokenPolicy.DEFAULTS, Clock.systemUTC());
		URI baseUrl = URI.create("http://127.0.0.1:" + this.api.port());
		CdpBearerProtocol protocol = new CdpBearerProtocol(manager, CdpHost.of(baseUrl));
		HttpClient httpClient = HttpClient.create(this.oneConnection);
		this.webClient = WebClient.builder()
			.baseUrl(baseUrl.toString())
			.clientConnector(new CdpBearerClientHttpConnector(new ReactorClientHttpConnector(httpClient), protocol))
			.build();
		this.restClient = RestClient.builder()
			.baseUrl(baseUrl.toString())
			.requestFactory(new CdpBearerClientHttpRequestFactory(new ReactorClientHttpRequestFactory(httpClient),
					protocol))
			.build();
	}

	@AfterEach
	void stop() {
		this.oneConnection.disposeLater().block(TIMEOUT);
		this.api.disposeNow();
		this.tokenEndpoint.close();
	}

	@Test
	void whenAWebClientCallIsAnswered401OnAPoolOfOneConnectionThenTheReplayGetsTheConnection() {
		this.answer401.set(1);
		String answer = this.webClient.post()
			.uri("/v2/guests")
			.bodyValue("{\"a\":1}")
			.retrieve()
			.bodyToMono(String.class)
			.block(TIMEOUT);
		assertThat(answer).contains("ok");
		assertThat(this.received).extracting(Received::authorization)
			.containsExactly("Bearer token-1", "Bearer token-2");
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
	}

	@Test
	void whenAWebClientCallIsReplayedThenItCarriesTheFirstAttemptsCookiesAndHeaders() {
		this.answer401.set(1);
		this.webClient.post()
			.uri("/v2/guests")
			.cookie("session", "abc")
			.cookie("region", "eu")
			.header("X-Trace", "trace-1")
			.bodyValue("{\"a\":1}")
			.retrieve()
			.bodyToMono(String.class)
			.block(TIMEOUT);
		assertReplayCarriesTheSameCookiesAndHeaders();
	}

	@Test
	void whenARestClientCallIsReplayedThenItCarriesTheFirstAttemptsCookiesAndHeaders() {
		this.answer401.set(1);
		this.restClient.post()
			.uri("/v2/guests")
			.header("Cookie", "session=abc; region=eu")
			.header("X-Trace", "trace-1")
			.body("{\"a\":1}")
			.retrieve()
			.body(String.class);
		assertReplayCarriesTheSameCookiesAndHeaders();
	}

	@Test
	void whenARestClientFormBodyIsReplayedThenItIsByteIdentical() {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("name", "Ann Å");
		form.add("tags", "a&b");
		form.add("tags", "c=d");
		assertRestClientReplaysTheSameBytes(MediaType.APPLICATION_FORM_URLENCODED, form);
	}

	@Test
	void whenARestClientMultipartBodyIsReplayedThenItKeepsItsBoundaryAndBytes() {
		MultiValueMap<String, Object> parts = new LinkedMultiValueMap<>();
		parts.add("name", "guests");
		parts.add("file", new ByteArrayResource("{\"ref\":\"1\"}\n".getBytes(StandardCharsets.UTF_8)) {
			@Override
			public String getFilename() {
				return "guests.jsonl";
			}
		});
		assertRestClientReplaysTheSameBytes(MediaType.MULTIPART_FORM_DATA, parts);
		assertThat(this.received.get(0).contentType()).contains("boundary=");
	}

	@Test
	void whenARestClientInputStreamBodyIsReplayedThenTheSameBytesAreSent() {
		byte[] bytes = "streamed once only".repeat(100).getBytes(StandardCharsets.UTF_8);
		assertRestClientReplaysTheSameBytes(MediaType.APPLICATION_OCTET_STREAM,
				new InputStreamResource(new ByteArrayInputStream(bytes)));
		assertThat(this.received.get(1).body()).isEqualTo(bytes);
	}

	@Test
	void whenARestClientByteArrayBodyIsReplayedThenTheSameBytesAreSent() {
		byte[] bytes = new byte[64 * 1024];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) (i * 31);
		}
		assertRestClientReplaysTheSameBytes(MediaType.APPLICATION_OCTET_STREAM, bytes);
		assertThat(this.received.get(1).body()).isEqualTo(bytes);
	}

	private void assertRestClientReplaysTheSameBytes(MediaType contentType, Object body) {
		this.answer401.set(1);
		String answer = this.restClient.post()
			.uri("/v2/guests")
			.contentType(contentType)
			.body(body)
			.retrieve()
			.body(String.class);
		assertThat(answer).contains("ok");
		assertThat(this.received).hasSize(2);
		Received first = this.received.get(0);
		Received replay = this.received.get(1);
		assertThat(first.authorization()).isEqualTo("Bearer token-1");
		assertThat(replay.authorization()).isEqualTo("Bearer token-2");
		assertThat(first.body()).isNotEmpty();
		assertThat(replay.body()).isEqualTo(first.body());
		assertThat(replay.contentType()).isEqualTo(first.contentType());
	}

	private void assertReplayCarriesTheSameCookiesAndHeaders() {
		assertThat(this.received).hasSize(2);
		Received first = this.received.get(0);
		Received replay = this.received.get(1);
		assertThat(first.cookie()).contains("session=abc").contains("region=eu");
		assertThat(first.trace()).isEqualTo("trace-1");
		assertThat(replay.authorization()).isEqualTo("Bearer token-2");
		assertThat(replay.cookie()).isEqualTo(first.cookie());
		assertThat(replay.trace()).isEqualTo(first.trace());
		assertThat(replay.body()).isEqualTo(first.body());
	}

	record Received(String authorization, String cookie, String trace, String contentType, byte[] body) {
	}

}

package io.github.sitecorecdp.events;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.github.sitecorecdp.retry.TransientFailures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sender's Stream API calls straight through Reactor Netty fail as a WebClient's do, so
 * that the retry policy tells them apart alike: answers by status (with their headers),
 * calls without an answer as request failures; and they send the address as it is.
 */
class ReactorNettyStreamApiTests {

	/** A message as the sender encodes it, with an e-mail address in it. */
	private static final String MESSAGE = "%7B%22email%22%3A%22ann%40example.com%22%7D";

	private final List<AutoCloseable> servers = new CopyOnWriteArrayList<>();

	private final List<String> requests = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable server : this.servers) {
			server.close();
		}
	}

	@Test
	void whenTheApiAnswers201ThenTheAddressIsSentAsItIsWithAcceptJson() throws IOException {
		String base = answering(201, "{\"ref\":\"r\"}", null);
		new ReactorNettyStreamApi(HttpClient.create()).send(base + "/v1.2/event/create.json?client_key=k&message=" + MESSAGE)
			.block(Duration.ofSeconds(10));
		assertThat(this.requests)
			.containsExactly("/v1.2/event/create.json?client_key=k&message=" + MESSAGE + " accept=application/json");
	}

	@Test
	void whenBrowserCreateAnswersThenReadGivesTheBodyAndAnEmptyBodyGivesNothing() throws IOException {
		StreamApi api = new ReactorNettyStreamApi(HttpClient.create());
		assertThat(api.read(answering(200, "{\"ref\":\"b-1\"}", null) + "/x").block(Duration.ofSeconds(10)))
			.isEqualTo("{\"ref\":\"b-1\"}");
		assertThat(api.read(answering(200, "", null) + "/x").blockOptional(Duration.ofSeconds(10))).isEmpty();
	}

	@Test
	void whenTheApiAnswers429WithRetryAfterThenTheFailureIsTransientAndCarriesTheWait() throws IOException {
		String base = answering(429, "", "7");
		assertThatExceptionOfType(WebClientResponseException.TooManyRequests.class)
			.isThrownBy(() -> new ReactorNettyStreamApi(HttpClient.create()).send(base + "/x")
				.block(Duration.ofSeconds(10)))
			.satisfies((ex) -> {
				assertThat(TransientFailures.isTransient(ex)).isTrue();
				assertThat(TransientFailures.retryAfter(ex, Clock.systemUTC())).isEqualTo(Duration.ofSeconds(7));
			});
	}

	@Test
	void whenTheApiAnswers404ThenTheFailureIsNotFoundAndNotTransient() throws IOException {
		String base = answering(404, "{\"status\":\"error\"}", null);
		assertThatExceptionOfType(WebClientResponseException.NotFound.class)
			.isThrownBy(() -> new ReactorNettyStreamApi(HttpClient.create()).send(base + "/x")
				.block(Duration.ofSeconds(10)))
			.satisfies((ex) -> assertThat(TransientFailures.isTransient(ex)).isFalse());
	}

	@Test
	void whenTheConnectionIsClosedWithoutAnAnswerThenTheFailureIsATransientRequestFailureWithoutTheAddress()
			throws IOException {
		String base = closingEachConnection();
		assertThatExceptionOfType(WebClientRequestException.class)
			.isThrownBy(() -> new ReactorNettyStreamApi(HttpClient.create())
				.send(base + "/v1.2/event/create.json?message=" + MESSAGE)
				.block(Duration.ofSeconds(10)))
			.satisfies((ex) -> {
				assertThat(TransientFailures.isTransient(ex)).isTrue();
				assertThat(ex).hasMessageNotContaining("example.com").hasMessageNotContaining("message=");
				assertThat(ex.getUri()).hasNoQuery().hasPath("/v1.2/event/create.json");
			});
	}

	@Test
	void whenTheApiNeverAnswersThenTheResponseTimeoutEndsTheCallAsATransientRequestFailure() throws IOException {
		String base = neverAnswering();
		HttpClient client = HttpClient.create().responseTimeout(Duration.ofMillis(200));
		assertThatExceptionOfType(WebClientRequestException.class)
			.isThrownBy(() -> new ReactorNettyStreamApi(client).send(base + "/x").block(Duration.ofSeconds(10)))
			.satisfies((ex) -> assertThat(TransientFailures.isTransient(ex)).isTrue());
	}

	private String answering(int status, String body, String retryAfter) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
		server.createContext("/", (exchange) -> {
			this.requests.add(exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery()
					+ " accept=" + exchange.getRequestHeaders().getFirst("Accept"));
			if (retryAfter != null) {
				exchange.getResponseHeaders().set("Retry-After", retryAfter);
			}
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(status, (bytes.length == 0) ? -1 : bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		server.start();
		this.servers.add(() -> server.stop(0));
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	/** A server that reads each request and closes the connection without a word. */
	private String closingEachConnection() throws IOException {
		return raw(RawHttpServer.Answer.thenClose(""));
	}

	/** A server that reads each request and keeps the connection open, answering nothing. */
	private String neverAnswering() throws IOException {
		return raw(RawHttpServer.Answer.thenKeepOpen(""));
	}

	private String raw(RawHttpServer.Answer answer) throws IOException {
		RawHttpServer server = RawHttpServer.start(answer);
		this.servers.add(server);
		return server.baseUrl();
	}

}

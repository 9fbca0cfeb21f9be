package io.github.sitecorecdp.events;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

import io.github.sitecorecdp.retry.RetryListener;
import io.github.sitecorecdp.retry.RetryPolicy;
import io.github.sitecorecdp.retry.TransientFailures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same misbehaving answers through both of the sender's Stream API clients
 * ({@link WebClientStreamApi}, {@link ReactorNettyStreamApi}): the failures must be of the
 * same kind and equally transient, since the retry policy and the sender tell them apart,
 * and the requests must be the same on the wire.
 */
class StreamApiParityTests {

	private final List<AutoCloseable> servers = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable server : this.servers) {
			server.close();
		}
	}

	private static StreamApi webClient(HttpClient httpClient) {
		return new WebClientStreamApi(WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(httpClient))
			.defaultHeader("Accept", "application/json")
			.build());
	}

	private static StreamApi netty(HttpClient httpClient) {
		return new ReactorNettyStreamApi(httpClient);
	}

	/** What a call ended with: "ok", or the failure's class and whether it is transient. */
	private static String outcome(Mono<?> call) {
		try {
			call.block(Duration.ofSeconds(10));
			return "ok";
		}
		catch (RuntimeException ex) {
			Throwable failure = (ex.getClass().getName().startsWith("reactor.core.Exceptions")) ? ex.getCause() : ex;
			return failure.getClass().getSimpleName() + " transient=" + TransientFailures.isTransient(failure);
		}
	}

	/**
	 * Assert that {@code call}, given each client and the base URL of a server that answers
	 * {@code response} and closes, ends alike through both.
	 */
	private void assertSameOutcome(String response, HttpClient httpClient, BiFunction<StreamApi, String, Mono<?>> call)
			throws IOException {
		String base = raw(RawHttpServer.Answer.thenClose(response)).baseUrl();
		String throughWebClient = outcome(call.apply(webClient(httpClient), base));
		String throughNetty = outcome(call.apply(netty(httpClient), base));
		assertThat(throughNetty).as("through Reactor Netty, as through a WebClient (%s)", throughWebClient)
			.isEqualTo(throughWebClient);
	}

	@Test
	void whenA201sBodyIsCutAfterItsHeadersThenTheFailureIsAsAWebClientsAndNotTransient() throws IOException {
		String response = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
				+ "{\"status\":";
		String base = raw(RawHttpServer.Answer.thenClose(response)).baseUrl();
		String throughWebClient = outcome(webClient(HttpClient.create()).send(base + "/v1.2/event/create.json"));
		String throughNetty = outcome(netty(HttpClient.create()).send(base + "/v1.2/event/create.json"));
		assertThat(throughWebClient).isEqualTo("WebClientResponseException transient=false");
		assertThat(throughNetty).isEqualTo(throughWebClient);
	}

	@Test
	void whenA201sBodyStallsPastTheResponseTimeoutThenTheFailureIsAsAWebClientsAndNotTransient() throws IOException {
		String response = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
				+ "{\"status\":";
		String base = raw(RawHttpServer.Answer.thenKeepOpen(response)).baseUrl();
		HttpClient client = HttpClient.create().responseTimeout(Duration.ofMillis(300));
		String throughWebClient = outcome(webClient(client).send(base + "/v1.2/event/create.json"));
		String throughNetty = outcome(netty(client).send(base + "/v1.2/event/create.json"));
		assertThat(throughWebClient).isEqualTo("WebClientResponseException transient=false");
		assertThat(throughNetty).isEqualTo(throughWebClient);
	}

	/**
	 * Sitecore took the event (201) and the answer's body was cut: sending it again
	 * duplicates the event at Sitecore.
	 */
	@Test
	void whenSitecoreAcknowledgesAnEventAndTheBodyIsCutThenTheEventIsNotSentAgain() throws IOException {
		String response = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
				+ "{\"status\":";
		RawHttpServer server = raw(RawHttpServer.Answer.thenClose(response));
		RetryPolicy retry = new RetryPolicy(
				new RetryPolicy.Settings(4, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(10)),
				RetryListener.NONE, Clock.systemUTC());
		outcome(retry.apply("events.send", netty(HttpClient.create()).send(server.baseUrl() + "/v1.2/event/create.json")));
		assertThat(server.heads()).as("requests Sitecore answered 201").hasSize(1);
	}

	/**
	 * Not as through a WebClient, on purpose: its {@code retrieve()} takes a {@code 3xx} for
	 * a success, so an event answered with a redirect (a base URL on http that the host
	 * moves to https, say) was counted sent though Sitecore never had it.
	 */
	@Test
	void whenTheApiRedirectsThenTheEventFailsWhereAWebClientCountedItSent() throws IOException {
		String base = raw(RawHttpServer.Answer
			.thenClose("HTTP/1.1 301 Moved Permanently\r\nLocation: https://example.com/\r\nContent-Length: 0\r\n\r\n"))
			.baseUrl();
		assertThat(outcome(webClient(HttpClient.create()).send(base + "/v1.2/event/create.json"))).isEqualTo("ok");
		assertThat(outcome(netty(HttpClient.create()).send(base + "/v1.2/event/create.json")))
			.isEqualTo("WebClientResponseException transient=false");
	}

	@Test
	void whenTheApiAnswers503ThenTheOutcomeIsAsAWebClients() throws IOException {
		assertSameOutcome("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\n{}", HttpClient.create(),
				(api, base) -> api.send(base + "/v1.2/event/create.json"));
	}

	@Test
	void whenTheApiAnswers204ThenTheOutcomeIsAsAWebClients() throws IOException {
		assertSameOutcome("HTTP/1.1 204 No Content\r\n\r\n", HttpClient.create(),
				(api, base) -> api.send(base + "/v1.2/event/create.json"));
	}

	@Test
	void whenBrowserCreatesBodyIsLargerThanAWebClientTakesThenTheOutcomeIsAsAWebClients() throws IOException {
		String body = "{\"ref\":\"b\",\"pad\":\"" + "x".repeat(300 * 1024) + "\"}";
		assertSameOutcome("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
				+ body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body, HttpClient.create(),
				(api, base) -> api.read(base + "/v1.2/browser/create.json"));
	}

	/** Each character class EventUris encodes, and a message near common URL limits. */
	@Test
	void whenAMessageHoldsEveryKindOfCharacterThenBothClientsSendTheSameRequest() throws IOException {
		StringBuilder message = new StringBuilder("{\"e\":\"");
		for (int c = 0; c < 0x3000; c++) {
			if (!Character.isSurrogate((char) c)) {
				message.append((char) c);
			}
		}
		message.append("%25 %2B + % \uD83D\uDE80 \uFFFD\"}");
		while (message.length() < 7000) {
			message.append("ann@example.com;");
		}
		EventUris uris = new EventUris(URI.create("http://127.0.0.1:1/stream"), "k+y/%");
		RawHttpServer server = raw(RawHttpServer.Answer.thenClose("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"));
		List<String> heads = server.heads();
		String address = uris.eventCreate(message.toString()).replace("http://127.0.0.1:1", server.baseUrl());
		assertThat(outcome(webClient(HttpClient.create()).send(address))).isEqualTo("ok");
		assertThat(outcome(netty(HttpClient.create()).send(address))).isEqualTo("ok");
		assertThat(heads).hasSize(2);
		assertThat(requestLine(heads.get(1))).isEqualTo(requestLine(heads.get(0)));
		assertThat(headerNames(heads.get(1))).isEqualTo(headerNames(heads.get(0)));
		String query = requestLine(heads.get(1)).split(" ")[1].split("\\?", 2)[1];
		String sent = URLDecoder.decode(query.substring(query.indexOf("message=") + "message=".length()),
				StandardCharsets.UTF_8);
		assertThat(sent).isEqualTo(message.toString());
	}

	private static String requestLine(String head) {
		return head.substring(0, head.indexOf("\r\n"));
	}

	private static List<String> headerNames(String head) {
		List<String> names = new ArrayList<>();
		for (String line : head.split("\r\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && !line.startsWith("GET ")) {
				names.add(line.substring(0, colon).toLowerCase(Locale.ROOT) + ": " + line.substring(colon + 1).trim());
			}
		}
		names.sort(String::compareTo);
		return names;
	}

	private RawHttpServer raw(RawHttpServer.Answer answer) throws IOException {
		RawHttpServer server = RawHttpServer.start(answer);
		this.servers.add(server);
		return server;
	}

}

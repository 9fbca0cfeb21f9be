package io.github.sitecorecdp.events;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

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

	private void assertSameOutcome(String response, boolean closeAfter, HttpClient httpClient,
			Function<StreamApi, Mono<?>> call) throws IOException {
		raw(response, closeAfter, new CopyOnWriteArrayList<>(), new AtomicInteger());
		String throughWebClient = outcome(call.apply(webClient(httpClient)));
		String throughNetty = outcome(call.apply(netty(httpClient)));
		assertThat(throughNetty).as("through Reactor Netty, as through a WebClient (%s)", throughWebClient)
			.isEqualTo(throughWebClient);
	}

	@Test
	void whenA201sBodyIsCutAfterItsHeadersThenTheFailureIsAsAWebClientsAndNotTransient() throws IOException {
		String response = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
				+ "{\"status\":";
		String base = raw(response, true, new CopyOnWriteArrayList<>(), new AtomicInteger());
		String throughWebClient = outcome(webClient(HttpClient.create()).send(base + "/v1.2/event/create.json"));
		String throughNetty = outcome(netty(HttpClient.create()).send(base + "/v1.2/event/create.json"));
		assertThat(throughWebClient).isEqualTo("WebClientResponseException transient=false");
		assertThat(throughNetty).isEqualTo(throughWebClient);
	}

	@Test
	void whenA201sBodyStallsPastTheResponseTimeoutThenTheFailureIsAsAWebClientsAndNotTransient() throws IOException {
		String response = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
				+ "{\"status\":";
		String base = raw(response, false, new CopyOnWriteArrayList<>(), new AtomicInteger());
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
		AtomicInteger requests = new AtomicInteger();
		String base = raw(response, true, new CopyOnWriteArrayList<>(), requests);
		RetryPolicy retry = new RetryPolicy(
				new RetryPolicy.Settings(4, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(10)),
				RetryListener.NONE, Clock.systemUTC());
		outcome(retry.apply("events.send", netty(HttpClient.create()).send(base + "/v1.2/event/create.json")));
		assertThat(requests).as("requests Sitecore answered 201").hasValue(1);
	}

	/**
	 * Not as through a WebClient, on purpose: its {@code retrieve()} takes a {@code 3xx} for
	 * a success, so an event answered with a redirect (a base URL on http that the host
	 * moves to https, say) was counted sent though Sitecore never had it.
	 */
	@Test
	void whenTheApiRedirectsThenTheEventFailsWhereAWebClientCountedItSent() throws IOException {
		String base = raw("HTTP/1.1 301 Moved Permanently\r\nLocation: https://example.com/\r\nContent-Length: 0\r\n\r\n",
				true, new CopyOnWriteArrayList<>(), new AtomicInteger());
		assertThat(outcome(webClient(HttpClient.create()).send(base + "/v1.2/event/create.json"))).isEqualTo("ok");
		assertThat(outcome(netty(HttpClient.create()).send(base + "/v1.2/event/create.json")))
			.isEqualTo("WebClientResponseException transient=false");
	}

	@Test
	void whenTheApiAnswers503ThenTheOutcomeIsAsAWebClients() throws IOException {
		assertSameOutcome("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\n{}", true, HttpClient.create(),
				(api) -> api.send(baseOfLast() + "/v1.2/event/create.json"));
	}

	@Test
	void whenTheApiAnswers204ThenTheOutcomeIsAsAWebClients() throws IOException {
		assertSameOutcome("HTTP/1.1 204 No Content\r\n\r\n", true, HttpClient.create(),
				(api) -> api.send(baseOfLast() + "/v1.2/event/create.json"));
	}

	@Test
	void whenBrowserCreatesBodyIsLargerThanAWebClientTakesThenTheOutcomeIsAsAWebClients() throws IOException {
		String body = "{\"ref\":\"b\",\"pad\":\"" + "x".repeat(300 * 1024) + "\"}";
		assertSameOutcome("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
				+ body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body, true, HttpClient.create(),
				(api) -> api.read(baseOfLast() + "/v1.2/browser/create.json"));
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
		List<String> heads = new CopyOnWriteArrayList<>();
		String base = raw("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", true, heads, new AtomicInteger());
		String address = uris.eventCreate(message.toString()).replace("http://127.0.0.1:1", base);
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

	private volatile String last;

	private String baseOfLast() {
		return this.last;
	}

	/**
	 * A server that reads each request's head and answers {@code response} as it is, then
	 * closes the connection or leaves it open.
	 */
	/**
	 * The answer, saying {@code Connection: close} when the server closes after it: both
	 * clients share Reactor Netty's global pool, and a connection closed without notice
	 * could be handed to the next call before the close was seen (a flaky reset).
	 */
	private static String announced(String response, boolean closeAfter) {
		if (!closeAfter || response.toLowerCase(Locale.ROOT).contains("\r\nconnection:")) {
			return response;
		}
		int line = response.indexOf("\r\n");
		return response.substring(0, line) + "\r\nConnection: close" + response.substring(line);
	}

	private String raw(String response, boolean closeAfter, List<String> heads, AtomicInteger requests)
			throws IOException {
		ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		List<Socket> open = new CopyOnWriteArrayList<>();
		Thread acceptor = new Thread(() -> {
			while (!server.isClosed()) {
				try {
					Socket socket = server.accept();
					open.add(socket);
					InputStream in = socket.getInputStream();
					ByteArrayOutputStream head = new ByteArrayOutputStream();
					int b;
					int matched = 0;
					byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
					while (matched < 4 && (b = in.read()) != -1) {
						head.write(b);
						matched = (b == end[matched]) ? matched + 1 : ((b == '\r') ? 1 : 0);
					}
					heads.add(head.toString(StandardCharsets.ISO_8859_1));
					requests.incrementAndGet();
					OutputStream out = socket.getOutputStream();
					out.write(announced(response, closeAfter).getBytes(StandardCharsets.UTF_8));
					out.flush();
					if (closeAfter) {
						socket.close();
					}
				}
				catch (IOException ex) {
					// Closed at the end of the test.
				}
			}
		});
		acceptor.setDaemon(true);
		acceptor.start();
		this.servers.add(() -> {
			server.close();
			for (Socket socket : open) {
				socket.close();
			}
		});
		this.last = "http://127.0.0.1:" + server.getLocalPort();
		return this.last;
	}

}

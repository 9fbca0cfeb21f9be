package io.github.sitecorecdp.fake;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import io.github.sitecorecdp.fake.RecordedCdpRequest.Kind;

/**
 * One of the fake's servers: a Reactor Netty HTTP server on a free loopback port that
 * reads each request whole, hands it to the fake's logic, records it with the answer's
 * status and sends the answer.
 */
final class LoopbackServer implements AutoCloseable {

	private final DisposableServer server;

	private final boolean https;

	/**
	 * Start a server on loopback.
	 * @param port the port, or 0 for a free one
	 */
	LoopbackServer(Kind kind, Journal journal, @Nullable FakeTls tls, int port, Handler handler) {
		HttpServer http = HttpServer.create()
			.host("127.0.0.1")
			.port(port)
			.handle((request, response) -> serve(kind, journal, handler, request, response));
		if (tls != null) {
			http = http.secure((spec) -> spec.sslContext(Http11SslContextSpec.forServer(tls.privateKey(), tls.chain())));
		}
		this.server = http.bindNow();
		this.https = tls != null;
	}

	URI baseUrl() {
		// "localhost" for HTTPS, so that a certificate for localhost matches.
		return URI.create(this.https ? "https://localhost:" + this.server.port() : "http://127.0.0.1:" + this.server.port());
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

	private static Publisher<Void> serve(Kind kind, Journal journal, Handler handler,
			HttpServerRequest request, HttpServerResponse response) {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		request.requestHeaders()
			.forEach((header) -> headers.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), (k) -> new ArrayList<>())
				.add(header.getValue()));
		return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap((bytes) -> {
			// Binary bodies (uploaded gzip files) stay out of the journal: only their bytes count.
			String contentType = request.requestHeaders().get("Content-Type");
			String body = (contentType != null && contentType.startsWith("application/gzip")) ? ""
					: new String(bytes, StandardCharsets.UTF_8);
			RecordedCdpRequest received = new RecordedCdpRequest(kind, request.method().name(), request.uri(),
					Map.copyOf(headers), body, 0, client(request));
			Answer answer = handler.answer(received, bytes);
			Held held = answer.held();
			if (held == null) {
				return send(journal, received, answer, response);
			}
			AtomicBoolean gone = new AtomicBoolean();
			response.withConnection((connection) -> connection.channel().closeFuture().addListener((closed) -> {
				gone.set(true);
				held.clientGone().run();
			}));
			// Waited for without blocking: the event loop serves other clients meanwhile.
			AtomicBoolean journaled = new AtomicBoolean();
			return Mono.fromFuture(held.until()).then(Mono.defer(() -> {
				if (gone.get()) {
					if (journaled.compareAndSet(false, true)) {
						journal.add(received.withStatus(HeldCall.CLIENT_GONE));
					}
					return Mono.<Void>empty();
				}
				journaled.set(true);
				return send(journal, received, held.then().get(), response);
			})).doOnCancel(() -> {
				// The server cancels a call whose connection closed: the client has gone.
				if (journaled.compareAndSet(false, true)) {
					journal.add(received.withStatus(HeldCall.CLIENT_GONE));
				}
			});
		});
	}

	private static String client(HttpServerRequest request) {
		InetSocketAddress address = request.remoteAddress();
		return (address != null) ? address.getHostString() + ":" + address.getPort() : "";
	}

	private static Mono<Void> send(Journal journal, RecordedCdpRequest received, Answer answer,
			HttpServerResponse response) {
		journal.add(received.withStatus(answer.status()));
		if (answer.reset()) {
			// The connection ends with no answer: what a client sees of a reset, or of a
			// response lost on its way.
			return Mono.delay(answer.delay()).doOnNext((tick) -> response.withConnection(Connection::dispose)).then();
		}
		response.status(answer.status())
			.header("Content-Type", answer.contentType())
			.header("Content-Length", String.valueOf(answer.body().length));
		answer.headers().forEach(response::header);
		Mono<Void> send = (answer.cutAfter() >= 0 && answer.cutAfter() < answer.body().length)
				// The whole length announced, part of the body sent, then the connection
				// closed: what a client sees of a connection cut mid-file.
				// A stream that fails after its first bytes: the server then closes the
				// connection, as no complete answer can follow.
				? response
					.sendByteArray(Flux.just(Arrays.copyOf(answer.body(), answer.cutAfter()))
						.concatWith(Mono.error(new IllegalStateException("Download cut by the fake"))))
					.then()
					.onErrorResume((ex) -> Mono.fromRunnable(() -> response.withConnection(Connection::dispose)))
				: response.sendByteArray(Mono.just(answer.body())).then();
		return answer.delay().isZero() ? send : Mono.delay(answer.delay()).then(send);
	}

	/**
	 * The fake's logic behind one server.
	 */
	@FunctionalInterface
	interface Handler {

		Answer answer(RecordedCdpRequest request, byte[] body);

	}

	/**
	 * What a server sends back.
	 *
	 * @param status the HTTP status
	 * @param contentType the content type
	 * @param body the body
	 * @param delay how long to wait before answering
	 * @param headers further response headers
	 * @param reset whether to close the connection instead of answering; the status is
	 * the one journaled
	 * @param held when set, the answer waits for a test to release the call (the other
	 * components are then unused)
	 * @param cutAfter when not negative, how many bytes of the body are sent before the
	 * connection is closed
	 */
	record Answer(int status, String contentType, byte[] body, Duration delay, Map<String, String> headers,
			boolean reset, @Nullable Held held, int cutAfter) {

		Answer(int status, String contentType, byte[] body, Duration delay) {
			this(status, contentType, body, delay, Map.of(), false, null, -1);
		}

		Answer(int status, String contentType, byte[] body, Duration delay, Map<String, String> headers,
				boolean reset) {
			this(status, contentType, body, delay, headers, reset, null, -1);
		}

		/** An answer that is worked out, by {@code then}, only once {@code until} completes. */
		static Answer held(CompletableFuture<Void> until, Supplier<Answer> then, Runnable clientGone) {
			return new Answer(0, "text/plain", new byte[0], Duration.ZERO, Map.of(), false,
					new Held(until, then, clientGone), -1);
		}

		Answer withHeader(String name, String value) {
			Map<String, String> all = new LinkedHashMap<>(this.headers);
			all.put(name, value);
			return new Answer(this.status, this.contentType, this.body, this.delay, Map.copyOf(all), this.reset,
					null, this.cutAfter);
		}

		/** This answer with only the first bytes of its body sent, then the connection closed. */
		Answer cutAfter(int bytes) {
			return new Answer(this.status, this.contentType, this.body, this.delay, this.headers, false, null, bytes);
		}

		Answer delayed(Duration by) {
			return new Answer(this.status, this.contentType, this.body, by, this.headers, this.reset);
		}

		static Answer connectionReset(int journaledStatus, Duration after) {
			return new Answer(journaledStatus, "text/plain", new byte[0], after, Map.of(), true);
		}

		Answer lost() {
			return new Answer(this.status, this.contentType, this.body, this.delay, this.headers, true);
		}

		static Answer json(int status, String json, Duration delay) {
			return new Answer(status, "application/json", json.getBytes(StandardCharsets.UTF_8), delay);
		}

		static Answer xml(int status, String code, String message) {
			String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>"
					+ message + "</Message></Error>";
			return new Answer(status, "application/xml", body.getBytes(StandardCharsets.UTF_8), Duration.ZERO);
		}

	}

	/**
	 * A call held by a test: {@code then} gives its answer, acting on the call if it was
	 * held before acting, once {@code until} completes; {@code clientGone} is told when the
	 * client's connection closes.
	 */
	record Held(CompletableFuture<Void> until, Supplier<Answer> then, Runnable clientGone) {
	}

}

package io.github.sitecorecdp.events;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * The Stream API straight through Reactor Netty's {@link HttpClient}: the starter's, with
 * the proxy, TLS bundle and timeouts of {@code sitecore.cdp.*}.
 *
 * <p>
 * Not through a {@code WebClient}, for two reasons. Every event is a call of its own, and
 * the {@code WebClient} layer (request and response objects, header adapters, the
 * checkpoint, the exchange's operators) and parsing each address into a
 * {@code java.net.URI}, which a {@code WebClient} needs and Reactor Netty does not, are
 * work the sender pays per event: without them its client-side CPU per event fell from 55
 * to 66 µs to 33 to 49 µs, and its rate from 0.77 to 0.95 of a plain {@code WebClient}
 * sending the same addresses built before the run ({@code EventStreamBenchmark}, 3
 * alternating JVMs each). And an event's address holds the event, the identifiers
 * and e-mail of an IDENTITY event included: an observed {@code WebClient} would put it into
 * every trace as the span's URL. The sender counts its calls in metrics of its own
 * ({@code sitecore.cdp.events.*}).
 *
 * @author sitecore-cdp-spring-boot
 */
final class ReactorNettyStreamApi implements StreamApi {

	private static final byte[] NO_BODY = new byte[0];

	/** A WebClient's default {@code maxInMemorySize}: the most of a body gathered. */
	private static final int MAX_BODY = 256 * 1024;

	private final HttpClient httpClient;

	ReactorNettyStreamApi(HttpClient httpClient) {
		this.httpClient = httpClient
			.headers((headers) -> headers.set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON));
	}

	@Override
	public Mono<Void> send(String uri) {
		return call(uri, false).then();
	}

	@Override
	public Mono<String> read(String uri) {
		return call(uri, true).filter((body) -> body.length > 0)
			.map((body) -> new String(body, StandardCharsets.UTF_8));
	}

	private Mono<byte[]> call(String uri, boolean readBody) {
		return this.httpClient.get()
			.uri(uri)
			// The body is always read to its end: one left unread would cost the connection
			// its place in the pool. A body that is not wanted (an event's 2xx) is released
			// as it arrives rather than gathered, and one that is wanted is gathered up to a
			// WebClient's limit only.
			.response((response, body) -> {
				int status = response.status().code();
				boolean success = status >= 200 && status < 300;
				Mono<byte[]> bytes = (success && !readBody) ? body.then(Mono.just(NO_BODY)) : gather(body);
				return bytes
					// Headers came: as through a WebClient, a body that fails (cut, stalled past
					// the response timeout, too large) fails as the answer it belongs to, by its
					// status, not as a call without an answer. So a 201 whose body was cut is
					// not sent again: Sitecore has the event.
					.onErrorMap(ReactorNettyStreamApi::isUnclassified,
							(ex) -> refused(response, NO_BODY, ex))
					.<byte[]>handle((read, sink) -> {
						if (success) {
							sink.next(read);
						}
						else {
							sink.error(refused(response, read, null));
						}
					});
			})
			.singleOrEmpty()
			// As a WebClient reports a call that got no answer (refused, reset, timed out), so
			// that the retry policy treats both clients' failures alike. The exception holds
			// the address without its query, which holds the client key and the event: it
			// reaches RetryListeners, which may log or keep it.
			.onErrorMap(ReactorNettyStreamApi::isUnclassified,
					(ex) -> new WebClientRequestException(ex, HttpMethod.GET, withoutQuery(uri), new HttpHeaders()));
	}

	/**
	 * Whether a failure is still to be classified: not yet an answer's, and not an
	 * {@link Error} (out of memory, a class missing), which no retry mends and which must
	 * not pass for a call that got no answer.
	 */
	private static boolean isUnclassified(Throwable ex) {
		return !(ex instanceof WebClientResponseException) && !(ex instanceof Error);
	}

	private static URI withoutQuery(String uri) {
		int query = uri.indexOf('?');
		return URI.create((query >= 0) ? uri.substring(0, query) : uri);
	}

	/** The body, up to the limit of a WebClient's codecs, which fail a larger one. */
	private static Mono<byte[]> gather(ByteBufFlux body) {
		return body.collect(ByteArrayOutputStream::new, (out, buffer) -> {
			if (out.size() + buffer.readableBytes() > MAX_BODY) {
				throw new DataBufferLimitException("Exceeded limit on max bytes to buffer : " + MAX_BODY);
			}
			out.writeBytes(ByteBufUtil.getBytes(buffer));
		}).map(ByteArrayOutputStream::toByteArray);
	}

	private static WebClientResponseException refused(HttpClientResponse response, byte[] body,
			@Nullable Throwable cause) {
		HttpHeaders headers = new HttpHeaders();
		response.responseHeaders().forEach((header) -> headers.add(header.getKey(), header.getValue()));
		WebClientResponseException ex = WebClientResponseException.create(
				HttpStatusCode.valueOf(response.status().code()), response.status().reasonPhrase(), headers, body,
				null, null);
		if (cause != null) {
			ex.initCause(cause);
		}
		return ex;
	}

}

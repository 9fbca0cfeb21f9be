package io.github.sitecorecdp.events;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

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
 * {@code java.net.URI}, which a {@code WebClient} needs and Reactor Netty does not, cost
 * about a fifth of a call on the event loops: the sender's rate was 0.73 of a plain
 * {@code WebClient} sending the same addresses built before the run
 * ({@code EventStreamBenchmark}). And an event's address holds the event, the identifiers
 * and e-mail of an IDENTITY event included: an observed {@code WebClient} would put it into
 * every trace as the span's URL. The sender counts its calls in metrics of its own
 * ({@code sitecore.cdp.events.*}).
 *
 * @author sitecore-cdp-spring-boot
 */
final class ReactorNettyStreamApi implements StreamApi {

	private static final byte[] NO_BODY = new byte[0];

	private final HttpClient httpClient;

	ReactorNettyStreamApi(HttpClient httpClient) {
		this.httpClient = httpClient
			.headers((headers) -> headers.set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON));
	}

	@Override
	public Mono<Void> send(String uri) {
		return call(uri).then();
	}

	@Override
	public Mono<String> read(String uri) {
		return call(uri).filter((body) -> body.length > 0)
			.map((body) -> new String(body, StandardCharsets.UTF_8));
	}

	private Mono<byte[]> call(String uri) {
		return this.httpClient.get()
			.uri(uri)
			// The body is always read: one left unread would cost the connection its place
			// in the pool.
			.responseSingle((response, body) -> body.asByteArray()
				.defaultIfEmpty(NO_BODY)
				.<byte[]>handle((bytes, sink) -> {
					HttpResponseStatus status = response.status();
					if (status.code() >= 200 && status.code() < 300) {
						sink.next(bytes);
					}
					else {
						sink.error(refused(response, bytes));
					}
				}))
			// As a WebClient reports a call that got no answer (refused, reset, timed out), so
			// that the retry policy treats both clients' failures alike. The address is given
			// to the exception, not to its message: it holds the event.
			.onErrorMap((ex) -> !(ex instanceof WebClientResponseException),
					(ex) -> new WebClientRequestException(ex, HttpMethod.GET, URI.create(uri), new HttpHeaders()));
	}

	private static WebClientResponseException refused(HttpClientResponse response, byte[] body) {
		HttpHeaders headers = new HttpHeaders();
		response.responseHeaders().forEach((header) -> headers.add(header.getKey(), header.getValue()));
		return WebClientResponseException.create(HttpStatusCode.valueOf(response.status().code()),
				response.status().reasonPhrase(), headers, body, null, null);
	}

}

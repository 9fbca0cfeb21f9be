package io.github.sitecorecdp.web;

import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * Puts the access token on WebClient requests to the API origin at the connector, below
 * every filter, observation and codec log of the application, and sends a request once
 * more after a 401 as {@link CdpBearerProtocol} decides.
 *
 * <p>
 * Working at the connector rather than in an {@code ExchangeFilterFunction} is what
 * keeps the token out of sight (no {@code ClientRequest} the application can hold ever
 * carries it) and what makes it cheap: no request copy, and no reactive detour while a
 * token is in service, since the cached token is read synchronously.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CdpBearerClientHttpConnector implements ClientHttpConnector {

	/** The longest a 401's body is read before the replay. */
	private static final Duration DRAIN_LIMIT = Duration.ofSeconds(1);

	private final ClientHttpConnector delegate;

	private final CdpBearerProtocol protocol;

	/**
	 * Create a new instance.
	 * @param delegate the connector that does the HTTP
	 * @param protocol which requests get the token and what a 401 means
	 */
	public CdpBearerClientHttpConnector(ClientHttpConnector delegate, CdpBearerProtocol protocol) {
		this.delegate = delegate;
		this.protocol = protocol;
	}

	@Override
	public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
			Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
		if (!this.protocol.appliesTo(uri)) {
			return this.delegate.connect(method, uri, requestCallback);
		}
		OAuth2AccessToken token = this.protocol.cachedToken();
		if (token != null) {
			return send(method, uri, requestCallback, token);
		}
		return awaitToken().flatMap((ready) -> send(method, uri, requestCallback, ready));
	}

	/**
	 * Wait for a token, going on from a thread that is not an event loop. A token that
	 * was not ready arrives on the event loop of the token call, and every caller waiting
	 * for it would go on from that one loop. Reactor Netty opens a connection on the event
	 * loop it is asked from, so after a cold start every connection of a burst landed on
	 * one loop and stayed there for as long as it lived: 20,000 calls from 16 in flight
	 * all on one thread, a client held to one core (0.65 to 0.72 of a static-header
	 * client on 2 cores). From Reactor's parallel workers the pool spreads new connections
	 * over the loops, as it does for a caller on any other thread. Only waiting callers pay
	 * this one hand-over; a cached token is used on the caller's thread.
	 */
	private Mono<OAuth2AccessToken> awaitToken() {
		return this.protocol.token().publishOn(Schedulers.parallel());
	}

	private Mono<ClientHttpResponse> send(HttpMethod method, URI uri,
			Function<? super ClientHttpRequest, Mono<Void>> requestCallback, OAuth2AccessToken token) {
		String authorization = this.protocol.headerValue(token);
		RecordedBody recorded = new RecordedBody();
		return this.delegate.connect(method, uri, (request) -> requestCallback.apply(recorded.recording(request, authorization)))
			.onErrorMap(UnknownHostException.class, this.protocol::unresolvedHost)
			.flatMap((response) -> (CdpBearerProtocol.isRejected(response.getStatusCode().value())
					&& !recorded.hasOwnAuthorization())
					? replay(method, uri, requestCallback, recorded, token, response) : Mono.just(response));
	}

	private Mono<ClientHttpResponse> replay(HttpMethod method, URI uri,
			Function<? super ClientHttpRequest, Mono<Void>> requestCallback, RecordedBody recorded,
			OAuth2AccessToken rejected, ClientHttpResponse response) {
		if (!this.protocol.shouldReplay(method, uri, rejected,
				response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE))) {
			return Mono.just(response);
		}
		// Released before waiting for a token, so that the connection is not held meanwhile.
		Mono<Void> released = release(response);
		String impossible = recorded.whyNotReplayable();
		if (impossible != null) {
			return released.then(Mono.error(
					new IllegalStateException(CdpBearerProtocol.replayImpossible(method, uri, impossible))));
		}
		return released.then(Mono.defer(() -> {
			OAuth2AccessToken ready = this.protocol.cachedToken();
			return (ready != null) ? Mono.just(ready) : awaitToken();
		}))
			.flatMap((replacement) -> sendAgain(method, uri, requestCallback, recorded, replacement));
	}

	private Mono<ClientHttpResponse> sendAgain(HttpMethod method, URI uri,
			Function<? super ClientHttpRequest, Mono<Void>> requestCallback, RecordedBody recorded,
			OAuth2AccessToken token) {
		String authorization = this.protocol.headerValue(token);
		Mono<ClientHttpResponse> sent = recorded.hasBody()
				? this.delegate.connect(method, uri, (request) -> recorded.writeTo(request, authorization))
				: this.delegate.connect(method, uri, (request) -> {
					request.getHeaders().set(HttpHeaders.AUTHORIZATION, authorization);
					return requestCallback.apply(request);
				});
		return sent.doOnNext((response) -> this.protocol.replayAnswered(token, response.getStatusCode().value()));
	}

	/**
	 * Read what is left of the 401's body, so that its connection goes back to the pool,
	 * but for at most {@link #DRAIN_LIMIT}: a body that trickles forever (each byte within
	 * the response timeout) would otherwise hold the call. Cut short, the connection is
	 * closed instead of reused.
	 */
	private static Mono<Void> release(ClientHttpResponse response) {
		return Flux.from(response.getBody())
			.map(DataBufferUtils::release)
			.take(DRAIN_LIMIT)
			.onErrorResume((ex) -> Mono.empty())
			.then();
	}

}

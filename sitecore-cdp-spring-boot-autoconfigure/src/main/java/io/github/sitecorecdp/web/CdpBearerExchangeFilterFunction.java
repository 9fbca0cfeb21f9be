package io.github.sitecorecdp.web;

import io.github.sitecorecdp.token.CdpAccessTokenManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Adds the Sitecore CDP access token to requests for the CDP host, and replays a request
 * once with a new token when the API answers 401.
 *
 * <p>
 * Closes gaps of Spring Security's {@code ServerOAuth2AuthorizedClientExchangeFilterFunction}:
 * it sends the token to any host a request names, keys client_credentials tokens by the
 * logged-in user, and lets the call that met a 401 fail (only the next call gets a new
 * token). Here a 401 drops the token only if it is still the cached one, and the request
 * is sent once more with the new token; a second 401 goes back to the caller as it is.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CdpBearerExchangeFilterFunction implements ExchangeFilterFunction {

	private static final Log logger = LogFactory.getLog(CdpBearerExchangeFilterFunction.class);

	private final CdpAccessTokenManager tokenManager;

	private final CdpHost cdpHost;

	/**
	 * Create a new instance.
	 * @param tokenManager where tokens come from
	 * @param cdpHost the only origin that gets the token
	 */
	public CdpBearerExchangeFilterFunction(CdpAccessTokenManager tokenManager, CdpHost cdpHost) {
		this.tokenManager = tokenManager;
		this.cdpHost = cdpHost;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		if (!this.cdpHost.matches(request.url())) {
			return next.exchange(request);
		}
		return this.tokenManager.getToken()
			.flatMap((token) -> next.exchange(withToken(request, token))
				.flatMap((response) -> (response.statusCode().value() == HttpStatus.UNAUTHORIZED.value())
						? response.releaseBody().then(replay(request, token, next)) : Mono.just(response)));
	}

	private Mono<ClientResponse> replay(ClientRequest request, OAuth2AccessToken rejected, ExchangeFunction next) {
		return Mono.defer(() -> {
			logger.debug("Sitecore CDP answered 401 to " + request.method() + " " + request.url()
					+ "; replaying once with a new access token");
			this.tokenManager.invalidate(rejected);
			return this.tokenManager.getToken();
		}).flatMap((token) -> next.exchange(replayable(withToken(request, token))));
	}

	private static ClientRequest withToken(ClientRequest request, OAuth2AccessToken token) {
		return ClientRequest.from(request).headers((headers) -> headers.setBearerAuth(token.getTokenValue())).build();
	}

	/**
	 * The replay reuses the request's {@link BodyInserter}. Values and form data write the
	 * same bytes again; a single-use publisher cannot (Reactor signals that with an
	 * {@link IllegalStateException} on the second subscription), so that failure is made
	 * explicit.
	 */
	private static ClientRequest replayable(ClientRequest request) {
		BodyInserter<?, ? super ClientHttpRequest> body = request.body();
		BodyInserter<Object, ClientHttpRequest> guarded = (message, context) -> body.insert(message, context)
			.onErrorMap(IllegalStateException.class, (ex) -> new IllegalStateException("Sitecore CDP answered 401 to " + request.method() + " "
					+ request.url() + " and the request was to be sent again with a new access token, but its body "
					+ "could not be written a second time (a single-use Publisher?). Send bodies that can be "
					+ "written twice, such as bodyValue(..) or form data.", ex));
		return ClientRequest.from(request).body(guarded).build();
	}

}

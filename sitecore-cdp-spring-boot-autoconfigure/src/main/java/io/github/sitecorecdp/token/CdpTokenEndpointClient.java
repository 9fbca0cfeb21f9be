package io.github.sitecorecdp.token;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Makes one client_credentials token request to Sitecore's token endpoint per
 * subscription. Caching, single-flight and backoff are {@link CdpAccessTokenManager}'s
 * job, not this class's.
 *
 * <p>
 * The request itself is Spring Security's: client_secret_post, so {@code client_id} and
 * {@code client_secret} travel in the form body as Sitecore expects, plus the
 * {@code audience} parameter Sitecore requires.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CdpTokenEndpointClient implements CdpTokenSource {

	private static final String REGISTRATION_ID = "sitecore-cdp";

	private final OAuth2ClientCredentialsGrantRequest grantRequest;

	private final WebClientReactiveClientCredentialsTokenResponseClient responseClient;

	private final PropertyNames properties;

	private final URI tokenUri;

	private final Duration timeout;

	private final Clock clock;

	/**
	 * Create a new instance.
	 * @param apiKey the API key, sent as {@code client_id}
	 * @param apiSecret the API secret, sent as {@code client_secret}
	 * @param tokenUri the token endpoint
	 * @param audience the value of the {@code audience} parameter
	 * @param webClient a plain WebClient for the token call, with connection timeouts and
	 * no authentication filter
	 * @param timeout the longest a token request may take in all
	 * @param clock the clock that stamps tokens with their issue and expiry times
	 */
	public CdpTokenEndpointClient(String apiKey, String apiSecret, URI tokenUri, String audience, WebClient webClient,
			Duration timeout, Clock clock) {
		this(PropertyNames.under("sitecore.cdp."), apiKey, apiSecret, tokenUri, audience, webClient, timeout, clock);
	}

	/**
	 * Create a client for one registration among several, whose errors name its own
	 * properties.
	 * @param properties the properties each value came from, for messages
	 * @param apiKey the API key, sent as {@code client_id}
	 * @param apiSecret the API secret, sent as {@code client_secret}
	 * @param tokenUri the token endpoint
	 * @param audience the value of the {@code audience} parameter
	 * @param webClient a plain WebClient for the token call, with connection timeouts and
	 * no authentication filter
	 * @param timeout the longest a token request may take in all
	 * @param clock the clock that stamps tokens with their issue and expiry times
	 */
	public CdpTokenEndpointClient(PropertyNames properties, String apiKey, String apiSecret, URI tokenUri,
			String audience, WebClient webClient, Duration timeout, Clock clock) {
		ClientRegistration registration = ClientRegistration.withRegistrationId(REGISTRATION_ID)
			.clientId(apiKey)
			.clientSecret(apiSecret)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.tokenUri(tokenUri.toString())
			.build();
		this.grantRequest = new OAuth2ClientCredentialsGrantRequest(registration);
		this.responseClient = new WebClientReactiveClientCredentialsTokenResponseClient();
		this.responseClient.setWebClient(webClient);
		this.responseClient.addParametersConverter((request) -> audienceParameter(audience));
		this.responseClient.setBodyExtractor(new TokenResponseBodyExtractor(properties, tokenUri, apiSecret, clock));
		this.properties = properties;
		this.tokenUri = tokenUri;
		this.timeout = timeout;
		this.clock = clock;
	}

	/**
	 * Request a new access token. Nothing is sent until subscription.
	 * @return the token, stamped with this client's clock; or a {@link CdpTokenException}
	 */
	public Mono<OAuth2AccessToken> requestToken() {
		return Mono.defer(() -> {
			Instant requestedAt = this.clock.instant();
			return this.responseClient.getTokenResponse(this.grantRequest)
				.timeout(this.timeout)
				.map((response) -> restamp(response, requestedAt))
				.onErrorMap((ex) -> !(ex instanceof CdpTokenException), this::unreachable);
		});
	}

	/**
	 * Request a new access token: the endpoint has no older one to avoid.
	 * @param replacing ignored
	 * @return the token, as {@link #requestToken()}
	 */
	@Override
	public Mono<OAuth2AccessToken> fetch(@Nullable OAuth2AccessToken replacing) {
		return requestToken();
	}

	/**
	 * Return the longest a token request may take in all.
	 * @return the time limit of one token request
	 */
	@Override
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Spring Security stamps tokens with {@code Instant.now()}; expiry decisions use the
	 * injected clock, measured from when the request was sent (the conservative end).
	 */
	private static OAuth2AccessToken restamp(OAuth2AccessTokenResponse response, Instant requestedAt) {
		OAuth2AccessToken token = response.getAccessToken();
		Duration lifetime = Duration.between(token.getIssuedAt(), token.getExpiresAt());
		return new OAuth2AccessToken(token.getTokenType(), token.getTokenValue(), requestedAt,
				requestedAt.plus(lifetime), token.getScopes());
	}

	private CdpTokenEndpointUnreachableException unreachable(Throwable ex) {
		String what = (ex instanceof TimeoutException) ? "did not answer within " + this.timeout
				: "could not be reached: " + NestedExceptionUtils.getMostSpecificCause(ex);
		return new CdpTokenEndpointUnreachableException(this.properties.endpoint(this.tokenUri) + " " + what
				+ ". Check " + this.properties.tokenUri() + ", the network, and the proxy (sitecore.cdp.proxy.*)", ex);
	}

	private static MultiValueMap<String, String> audienceParameter(String audience) {
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
		parameters.add("audience", audience);
		return parameters;
	}

	/**
	 * The properties the values of a token request came from, named in error messages: a
	 * registration may take the token URI or audience from {@code sitecore.cdp.*}.
	 *
	 * @param apiKey the property of the API key
	 * @param apiSecret the property of the API secret
	 * @param tokenUri the property of the token URI
	 * @param audience the property of the audience
	 */
	public record PropertyNames(String apiKey, String apiSecret, String tokenUri, String audience) {

		/**
		 * Return the names of properties that all sit under one prefix.
		 * @param prefix the prefix, such as {@code sitecore.cdp.}
		 * @return the names
		 */
		public static PropertyNames under(String prefix) {
			return new PropertyNames(prefix + "api-key", prefix + "api-secret", prefix + "token-uri",
					prefix + "audience");
		}

		/**
		 * Return how messages name the token endpoint: with the registration when it is a
		 * named one, since several registrations may share one endpoint and a WARN line that
		 * does not say whose request failed cannot be acted on.
		 * @param tokenUri the endpoint
		 * @return the endpoint's description
		 */
		String endpoint(URI tokenUri) {
			String description = "Sitecore token endpoint " + tokenUri;
			String named = "sitecore.cdp.clients.";
			int end = this.apiKey.lastIndexOf('.');
			if (this.apiKey.startsWith(named) && end > named.length()) {
				return description + " (registration " + this.apiKey.substring(named.length(), end) + ")";
			}
			return description;
		}

	}

}

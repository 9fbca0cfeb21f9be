package io.github.sitecorecdp.web;

import java.io.IOException;

import io.github.sitecorecdp.token.CdpAccessTokenManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * The {@code RestClient} twin of {@link CdpBearerExchangeFilterFunction}: the access token
 * only for the CDP host, and one replay with a new token after a 401. Spring Security's
 * {@code OAuth2ClientHttpRequestInterceptor} has neither single-flight nor the replay.
 *
 * <p>
 * Blocks for the token: {@code RestClient} callers are blocking already, and concurrent
 * threads still share one token request through the {@link CdpAccessTokenManager}.
 * RestClient buffers request bodies, so the replay sends the same bytes. Must be the last
 * interceptor, so that earlier ones never see the token and each attempt reaches the
 * wire. The header is set on the request itself rather than on a copy: copying
 * {@code HttpHeaders} has no method common to Spring Framework 6.2 and 7, and this
 * artifact runs on both.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CdpBearerClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {

	private static final Log logger = LogFactory.getLog(CdpBearerClientHttpRequestInterceptor.class);

	private final CdpAccessTokenManager tokenManager;

	private final CdpHost cdpHost;

	/**
	 * Create a new instance.
	 * @param tokenManager where tokens come from
	 * @param cdpHost the only origin that gets the token
	 */
	public CdpBearerClientHttpRequestInterceptor(CdpAccessTokenManager tokenManager, CdpHost cdpHost) {
		this.tokenManager = tokenManager;
		this.cdpHost = cdpHost;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		if (!this.cdpHost.matches(request.getURI())) {
			return execution.execute(request, body);
		}
		OAuth2AccessToken token = token();
		request.getHeaders().setBearerAuth(token.getTokenValue());
		ClientHttpResponse response = execution.execute(request, body);
		if (response.getStatusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
			return response;
		}
		response.close();
		logger.debug("Sitecore CDP answered 401 to " + request.getMethod() + " " + request.getURI()
				+ "; replaying once with a new access token");
		this.tokenManager.invalidate(token);
		request.getHeaders().setBearerAuth(token().getTokenValue());
		return execution.execute(request, body);
	}

	private OAuth2AccessToken token() {
		// The token request has its own timeouts, so this wait is bounded.
		OAuth2AccessToken token = this.tokenManager.getToken().block();
		if (token == null) {
			throw new IllegalStateException("Token manager completed without a token");
		}
		return token;
	}

}

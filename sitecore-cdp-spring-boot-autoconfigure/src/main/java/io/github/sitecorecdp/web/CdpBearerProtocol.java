package io.github.sitecorecdp.web;

import java.net.URI;
import java.net.UnknownHostException;

import io.github.sitecorecdp.token.CdpAccessTokenManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * The bearer-token protocol, written once for every client: which requests carry the
 * token, and what a 401 means. {@link CdpBearerClientHttpConnector} (WebClient) and
 * {@link CdpBearerClientHttpRequestFactory} (RestClient) only move bytes for it.
 *
 * <ol>
 * <li>Only requests to the API origin carry the token; any other host gets none.</li>
 * <li>A request is sent with the token in service, or waits for one (shared with every
 * other waiting caller).</li>
 * <li>A 401 whose {@code WWW-Authenticate} names an error other than
 * {@code invalid_token} (such as {@code insufficient_scope}: the key lacks a scope, RFC
 * 6750 section 3.1) is not about the token: it goes back to the caller, and the token
 * stays in service.</li>
 * <li>Any other 401 is reported to the token manager, which drops the refused token if it is
 * still the one in service, and says whether to send the request again: yes, unless
 * tokens are being refused faster than the backoff allows. Then the 401 is released at
 * once (its connection is not held while a token is fetched) and the request is sent
 * once more, with the newer token and exactly the headers and bytes of the first attempt;
 * a second 401 goes back to the caller as it is. Otherwise the first 401 does.</li>
 * </ol>
 *
 * <p>
 * Closes the gaps of Spring Security's stock filter and interceptor: they send the token
 * to any host a request names, key client_credentials tokens by the logged-in user, and
 * let the call that met a 401 fail. Both adapters work below every filter, interceptor and
 * observation of the application, so none of those ever sees the token.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CdpBearerProtocol {

	private static final Log logger = LogFactory.getLog(CdpBearerProtocol.class);

	private static final int UNAUTHORIZED = 401;

	private final CdpAccessTokenManager tokenManager;

	private final CdpHost apiHost;

	private final String baseUrlSource;

	/**
	 * The header of the last token used, so that the hot path does not build the same
	 * string for every request. A benign race: a stale pair is only a cache miss.
	 */
	private volatile BearerHeader lastHeader = new BearerHeader("", "");

	/**
	 * Create a new instance.
	 * @param tokenManager where tokens come from
	 * @param apiHost the only origin that gets the token
	 */
	public CdpBearerProtocol(CdpAccessTokenManager tokenManager, CdpHost apiHost) {
		this(tokenManager, apiHost, "the base URL");
	}

	/**
	 * Create the protocol for one API host.
	 * @param tokenManager where tokens come from
	 * @param apiHost the only origin that receives them
	 * @param baseUrlSource the properties the host came from, named when it does not resolve
	 */
	public CdpBearerProtocol(CdpAccessTokenManager tokenManager, CdpHost apiHost, String baseUrlSource) {
		this.tokenManager = tokenManager;
		this.apiHost = apiHost;
		this.baseUrlSource = baseUrlSource;
	}

	/**
	 * Return the failure to resolve the API host, told with the properties that chose it:
	 * a typo in a host name otherwise reads as a network problem.
	 */
	UnknownHostException unresolvedHost(UnknownHostException ex) {
		UnknownHostException named = new UnknownHostException("The Sitecore CDP API host of " + this.apiHost
				+ " could not be resolved; check " + this.baseUrlSource + " (" + ex.getMessage() + ")");
		named.initCause(ex);
		return named;
	}

	boolean appliesTo(URI uri) {
		return this.apiHost.matches(uri);
	}

	@Nullable OAuth2AccessToken cachedToken() {
		return this.tokenManager.cachedToken();
	}

	Mono<OAuth2AccessToken> token() {
		return this.tokenManager.getToken();
	}

	OAuth2AccessToken obtainToken() {
		return this.tokenManager.obtainToken();
	}

	static boolean isRejected(int status) {
		return status == UNAUTHORIZED;
	}

	/**
	 * Report a 401 to a request sent with the given token.
	 * @param challenge the answer's {@code WWW-Authenticate} header, or {@code null}
	 * @return whether to send the request again, with a token from {@link #token()} or
	 * {@link #obtainToken()}
	 */
	boolean shouldReplay(HttpMethod method, URI uri, OAuth2AccessToken rejected, @Nullable String challenge) {
		String error = bearerError(challenge);
		if (error != null && !error.equals("invalid_token")) {
			// Scope or request trouble: a new token would be refused the same way.
			if (logger.isDebugEnabled()) {
				logger.debug("Sitecore CDP answered 401 (" + error + ") to " + method + " " + uri
						+ "; not a token problem, so the token stays in service");
			}
			return false;
		}
		boolean replay = this.tokenManager.reject(rejected);
		if (logger.isDebugEnabled()) {
			logger.debug("Sitecore CDP answered 401 to " + method + " " + uri
					+ (replay ? "; sending it once more with a new access token"
							: "; tokens are being refused faster than the backoff allows, so the 401 stands"));
		}
		return replay;
	}

	/**
	 * Report the status a replay was answered with: anything but a 401 ends the run of
	 * refused tokens.
	 * @param token the token the replay was sent with
	 * @param status the replay's status code
	 */
	void replayAnswered(OAuth2AccessToken token, int status) {
		if (!isRejected(status)) {
			this.tokenManager.replayAccepted(token);
		}
	}

	/**
	 * The {@code error} of a Bearer challenge ({@code Bearer realm="x", error="..."}), or
	 * {@code null} when there is none.
	 */
	static @Nullable String bearerError(@Nullable String challenge) {
		if (challenge == null || !challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
			return null;
		}
		int at = challenge.indexOf("error=");
		while (at > 0 && Character.isLetterOrDigit(challenge.charAt(at - 1))) {
			// Part of another name, such as error_description=: look further.
			at = challenge.indexOf("error=", at + 1);
		}
		if (at < 0) {
			return null;
		}
		int start = at + "error=".length();
		boolean quoted = start < challenge.length() && challenge.charAt(start) == '"';
		if (quoted) {
			start++;
		}
		int end = start;
		while (end < challenge.length()) {
			char c = challenge.charAt(end);
			if (quoted ? c == '"' : (c == ',' || Character.isWhitespace(c))) {
				break;
			}
			end++;
		}
		String error = challenge.substring(start, end).trim();
		return error.isEmpty() ? null : error;
	}

	String headerValue(OAuth2AccessToken token) {
		String value = token.getTokenValue();
		BearerHeader last = this.lastHeader;
		// Identity, not equality: the same token object hands out the same string, and a
		// miss costs only one concatenation.
		if (last.token() != value) {
			last = new BearerHeader(value, "Bearer " + value);
			this.lastHeader = last;
		}
		return last.header();
	}

	static String replayImpossible(HttpMethod method, URI uri, String why) {
		return "Sitecore CDP answered 401 to " + method + " " + uri + " and the request was to be sent again with a "
				+ "new access token, but " + why + ". The refused token has been dropped: send the request again.";
	}

	/**
	 * A token value and its header value.
	 *
	 * @param token the token value
	 * @param header {@code "Bearer " + token}
	 */
	private record BearerHeader(String token, String header) {

		@Override
		public String toString() {
			return "BearerHeader";
		}

	}

}

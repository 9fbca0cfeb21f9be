package io.github.sitecorecdp.token;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * Where a {@link CdpAccessTokenManager} gets a new token when it needs one: the token
 * endpoint itself ({@link CdpTokenEndpointClient}), or a store shared by every instance of
 * the application in front of it. The manager calls it at most once at a time and keeps
 * what it returns in memory, so a source is asked only on a cold start, a refresh or after
 * the API refused a token.
 *
 * @author sitecore-cdp-spring-boot
 */
public interface CdpTokenSource {

	/**
	 * Return a token for the manager to use.
	 * @param replacing the token the manager wants replaced: the one due for refresh, or the
	 * one the API refused; {@code null} when it holds none. A shared source must not answer
	 * with this token again, but may answer with a newer one that another instance got.
	 * @return the token; or an error, usually a {@link CdpTokenException}
	 */
	Mono<OAuth2AccessToken> fetch(@Nullable OAuth2AccessToken replacing);

	/**
	 * Return the longest a {@link #fetch} may take in all, waits for other instances
	 * included; the manager gives up on it after that.
	 * @return the time limit
	 */
	Duration timeout();

	/**
	 * Return where tokens are kept, for health and logs.
	 * @return the state of the store
	 */
	default CdpTokenStoreState storeState() {
		return CdpTokenStoreState.IN_MEMORY;
	}

}

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
	 * Return a token for the manager to use, and say where it came from. A source that
	 * only asks the token endpoint need not override this.
	 * @param replacing as for {@link #fetch}
	 * @return the token and its origin; or an error, usually a {@link CdpTokenException}
	 */
	default Mono<Obtained> obtain(@Nullable OAuth2AccessToken replacing) {
		return fetch(replacing).map((token) -> new Obtained(token, CdpTokenOrigin.ENDPOINT));
	}

	/**
	 * Return where a failure of {@link #obtain} came from.
	 * @param failure the failure
	 * @return {@link CdpTokenOrigin#ENDPOINT} unless the source says otherwise
	 */
	default CdpTokenOrigin originOf(Throwable failure) {
		return CdpTokenOrigin.ENDPOINT;
	}

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

	/**
	 * A token and where it came from.
	 *
	 * @param token the token
	 * @param origin the endpoint, or a shared store
	 */
	record Obtained(OAuth2AccessToken token, CdpTokenOrigin origin) {

		@Override
		public String toString() {
			// Never the token's value.
			return "Obtained[" + TokenFingerprint.of(this.token.getTokenValue()) + ", " + this.origin + "]";
		}

	}

}

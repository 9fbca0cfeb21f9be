package io.github.sitecorecdp.token;

import java.time.Duration;
import java.time.Instant;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * A token in the cache with the two instants that govern it.
 *
 * @param token the access token
 * @param refreshAt from when the next caller starts a background refresh
 * @param staleAt from when the token is no longer sent and callers wait for a new one
 * @param fingerprint what logs call the token instead of its value
 * @param asMono the token as a ready {@link Mono}, so a cache hit allocates nothing
 * @param refreshAtMillis {@code refreshAt} in epoch milliseconds, for the hot path
 * @param staleAtMillis {@code staleAt} in epoch milliseconds, for the hot path
 * @author sitecore-cdp-spring-boot
 */
record CachedToken(OAuth2AccessToken token, Instant refreshAt, Instant staleAt, String fingerprint,
		Mono<OAuth2AccessToken> asMono, long refreshAtMillis, long staleAtMillis) {

	/**
	 * Place a freshly issued token on the timeline of the given policy.
	 * @param token the token, stamped with the manager's clock
	 * @param policy the refresh policy
	 * @param jitter a number in {@code [0, 1)} that moves the refresh point up to a fifth
	 * of the refresh window later, so that a fleet of instances does not refresh in step
	 */
	static CachedToken of(OAuth2AccessToken token, TokenPolicy policy, double jitter) {
		Instant expiresAt = token.getExpiresAt();
		Duration lifetime = Duration.between(token.getIssuedAt(), expiresAt);
		Instant staleAt = expiresAt.minus(policy.expiryMarginFor(lifetime));
		Duration window = Duration.between(expiresAt.minus(policy.refreshAheadFor(lifetime)), staleAt);
		Instant refreshAt = staleAt.minus(Duration.ofNanos((long) (window.toNanos() * (1.0 - 0.2 * jitter))));
		return new CachedToken(token, refreshAt, staleAt, TokenFingerprint.of(token.getTokenValue()), Mono.just(token),
				refreshAt.toEpochMilli(), staleAt.toEpochMilli());
	}

	boolean isSameToken(OAuth2AccessToken other) {
		return this.token.getTokenValue().equals(other.getTokenValue());
	}

	@Override
	public String toString() {
		return "CachedToken[" + this.fingerprint + ", refreshAt=" + this.refreshAt + ", staleAt=" + this.staleAt + "]";
	}

}

package io.github.sitecorecdp.token;

import java.time.Duration;
import java.time.Instant;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * A token the manager holds, with the two instants that govern it.
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
	 * @param policy the timing rules
	 * @param random a number in {@code [0, 1)} for the refresh point's jitter
	 */
	static CachedToken of(OAuth2AccessToken token, TokenPolicy policy, double random) {
		Instant issuedAt = token.getIssuedAt();
		Instant expiresAt = token.getExpiresAt();
		if (issuedAt == null || expiresAt == null) {
			throw new IllegalArgumentException("Token has no issue or expiry time");
		}
		Duration lifetime = Duration.between(issuedAt, expiresAt);
		Instant staleAt = policy.staleAt(issuedAt, lifetime);
		Instant refreshAt = policy.refreshAt(issuedAt, lifetime, random);
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

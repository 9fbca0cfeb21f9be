package io.github.sitecorecdp.token;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What the {@link CdpAccessTokenManager} holds right now. Reading it never causes a token
 * request.
 *
 * @param tokenExpiresAt when the current token expires, or {@code null} if no valid token
 * is held
 * @param tokenFingerprint the current token's fingerprint (never its value), or
 * {@code null}
 * @param failedAttempts how many token requests in a row have failed
 * @param lastFailure the last failure, or {@code null} after a success
 * @param retryAt no token request before this instant, or {@code null}
 * @param store where the token is kept, and whether a shared store is in use
 * @author sitecore-cdp-spring-boot
 */
public record CdpTokenStatus(@Nullable Instant tokenExpiresAt, @Nullable String tokenFingerprint, int failedAttempts,
		@Nullable CdpTokenException lastFailure, @Nullable Instant retryAt, CdpTokenStoreState store) {

	/**
	 * Return whether a token that may still be sent is held.
	 * @return whether a valid token is held
	 */
	public boolean hasValidToken() {
		return this.tokenExpiresAt != null;
	}

}

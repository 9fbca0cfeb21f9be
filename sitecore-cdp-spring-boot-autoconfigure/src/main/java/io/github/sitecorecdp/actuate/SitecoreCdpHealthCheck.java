package io.github.sitecorecdp.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpCredentialsRejectedException;
import io.github.sitecorecdp.token.CdpTokenException;
import io.github.sitecorecdp.token.CdpTokenStatus;
import org.jspecify.annotations.Nullable;

/**
 * The health of the Sitecore CDP client, independent of Spring Boot's health API (which
 * moved between Boot 3 and Boot 4): {@code UP} while a valid token is held or can be had,
 * {@code DOWN} with the reason (credentials rejected, token endpoint unreachable, backing
 * off until ...) otherwise.
 *
 * <p>
 * A check asks the token manager like any caller does, so it never causes more token
 * requests than the backoff allows: with a valid token, none; while backing off, none.
 * Details name the token by its fingerprint and never show a secret.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class SitecoreCdpHealthCheck {

	private final CdpAccessTokenManager tokenManager;

	/**
	 * Create a new instance.
	 * @param tokenManager the token manager
	 */
	public SitecoreCdpHealthCheck(CdpAccessTokenManager tokenManager) {
		this.tokenManager = tokenManager;
	}

	/**
	 * Check now.
	 * @return whether the client is up, and the details
	 */
	public Result check() {
		RuntimeException failure = null;
		if (!this.tokenManager.status().hasValidToken()) {
			try {
				this.tokenManager.getToken().block();
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
		}
		CdpTokenStatus status = this.tokenManager.status();
		Map<String, Object> details = new LinkedHashMap<>();
		if (status.hasValidToken()) {
			details.put("token", status.tokenFingerprint());
			details.put("tokenExpiresAt", String.valueOf(status.tokenExpiresAt()));
			return new Result(true, details);
		}
		CdpTokenException error = (status.lastFailure() != null) ? status.lastFailure()
				: (failure instanceof CdpTokenException tokenException) ? tokenException : null;
		details.put("reason", reason(error));
		if (error != null) {
			details.put("error", error.getMessage());
		}
		if (status.retryAt() != null) {
			details.put("failedAttempts", status.failedAttempts());
			details.put("backingOffUntil", status.retryAt().toString());
		}
		return new Result(false, details);
	}

	private static String reason(@Nullable CdpTokenException error) {
		if (error instanceof CdpCredentialsRejectedException) {
			return "credentials rejected";
		}
		if (error != null && error.isRetryable()) {
			return "token endpoint unreachable";
		}
		return (error != null) ? "token endpoint error" : "no access token";
	}

	/**
	 * The outcome of a check.
	 *
	 * @param up whether the client can call Sitecore CDP
	 * @param details what the health endpoint shows
	 */
	public record Result(boolean up, Map<String, Object> details) {
	}

}

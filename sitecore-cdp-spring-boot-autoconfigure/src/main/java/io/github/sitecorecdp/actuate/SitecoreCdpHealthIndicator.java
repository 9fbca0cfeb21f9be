package io.github.sitecorecdp.actuate;

import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpCredentialsRejectedException;
import io.github.sitecorecdp.token.CdpTokenException;
import io.github.sitecorecdp.token.CdpTokenStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the Sitecore CDP client: {@code UP} while a valid token is held or can be had,
 * {@code DOWN} with the reason (credentials rejected, token endpoint unreachable, backing
 * off until ...) otherwise.
 *
 * <p>
 * A poll asks the token manager like any caller does, so it never causes more token
 * requests than the backoff allows: with a valid token, none; while backing off, none.
 * Details name the token by its fingerprint and never show a secret.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class SitecoreCdpHealthIndicator extends AbstractHealthIndicator {

	private final CdpAccessTokenManager tokenManager;

	/**
	 * Create a new instance.
	 * @param tokenManager the token manager
	 */
	public SitecoreCdpHealthIndicator(CdpAccessTokenManager tokenManager) {
		super("Sitecore CDP health check failed");
		this.tokenManager = tokenManager;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Throwable failure = null;
		if (!this.tokenManager.status().hasValidToken()) {
			try {
				this.tokenManager.getToken().block();
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
		}
		CdpTokenStatus status = this.tokenManager.status();
		if (status.hasValidToken()) {
			builder.up().withDetail("token", status.tokenFingerprint()).withDetail("tokenExpiresAt",
					String.valueOf(status.tokenExpiresAt()));
			return;
		}
		CdpTokenException error = (status.lastFailure() != null) ? status.lastFailure() : asTokenException(failure);
		builder.down().withDetail("reason", reason(error));
		if (error != null) {
			builder.withDetail("error", error.getMessage());
		}
		if (status.retryAt() != null) {
			builder.withDetail("failedAttempts", status.failedAttempts())
				.withDetail("backingOffUntil", status.retryAt().toString());
		}
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

	private static @Nullable CdpTokenException asTokenException(@Nullable Throwable failure) {
		return (failure instanceof CdpTokenException tokenException) ? tokenException : null;
	}

}

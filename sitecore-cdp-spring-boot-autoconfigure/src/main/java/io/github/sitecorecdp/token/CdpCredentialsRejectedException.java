package io.github.sitecorecdp.token;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when Sitecore's token endpoint rejects the configured API key or secret. Not
 * solved by retrying: the credentials must be fixed (or the key re-enabled).
 *
 * @author sitecore-cdp-spring-boot
 */
public class CdpCredentialsRejectedException extends CdpTokenException {

	/**
	 * Create a new instance.
	 * @param message what Sitecore answered and which properties to check
	 * @param cause the underlying failure, if any
	 */
	public CdpCredentialsRejectedException(String message, @Nullable Throwable cause) {
		this(message, cause, 0);
	}

	/**
	 * Create a new instance for the token endpoint's answer.
	 * @param message what Sitecore answered and which properties to check
	 * @param cause the underlying failure, if any
	 * @param statusCode the HTTP status the token endpoint answered, {@code 0} for none
	 */
	public CdpCredentialsRejectedException(String message, @Nullable Throwable cause, int statusCode) {
		super(message, cause, false, statusCode);
	}

	@Override
	CdpTokenException whileBackingOff(Instant retryAt) {
		return new CdpCredentialsRejectedException(backingOffMessage(retryAt), this, getStatusCode());
	}

}

package io.github.sitecorecdp.token;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when no Sitecore CDP access token can be had: the token endpoint could not be
 * reached, failed, or answered something unusable. The message says which and never
 * contains the API secret or a token.
 *
 * @author sitecore-cdp-spring-boot
 */
public class CdpTokenException extends RuntimeException {

	private final boolean retryable;

	/**
	 * Create a new instance.
	 * @param message what went wrong
	 * @param cause the underlying failure, if any
	 * @param retryable whether a later attempt may succeed without a configuration change
	 */
	public CdpTokenException(String message, @Nullable Throwable cause, boolean retryable) {
		super(message, cause);
		this.retryable = retryable;
	}

	/**
	 * Return whether a later attempt may succeed without a configuration change (a
	 * connection failure, a timeout, a 5xx or 429 answer).
	 * @return whether the failure is transient
	 */
	public boolean isRetryable() {
		return this.retryable;
	}

	/**
	 * Return the failure a caller gets while token requests are held back after this one.
	 * A new instance per caller, so that no two reactive pipelines share (and decorate) one
	 * exception.
	 * @param retryAt when the next token request may be made
	 * @return the exception to raise
	 */
	CdpTokenException whileBackingOff(Instant retryAt) {
		return new CdpTokenException(backingOffMessage(retryAt), this, this.retryable);
	}

	final String backingOffMessage(Instant retryAt) {
		return getMessage() + " No new token request before " + retryAt + ".";
	}

}

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

	private final int statusCode;

	/**
	 * Create a new instance.
	 * @param message what went wrong
	 * @param cause the underlying failure, if any
	 * @param retryable whether a later attempt may succeed without a configuration change
	 */
	public CdpTokenException(String message, @Nullable Throwable cause, boolean retryable) {
		this(message, cause, retryable, 0);
	}

	/**
	 * Create a new instance for an answer of the token endpoint.
	 * @param message what went wrong
	 * @param cause the underlying failure, if any
	 * @param retryable whether a later attempt may succeed without a configuration change
	 * @param statusCode the HTTP status the token endpoint answered, {@code 0} for none
	 */
	public CdpTokenException(String message, @Nullable Throwable cause, boolean retryable, int statusCode) {
		super(message, cause);
		this.retryable = retryable;
		this.statusCode = statusCode;
	}

	/**
	 * Return the HTTP status the token endpoint answered with, so that a health check or
	 * an operator can tell an endpoint that answers (a {@code 503}, a {@code 429}) from one
	 * that cannot be reached.
	 * @return the status code, or {@code 0} when the endpoint gave no error status (no
	 * answer, an unusable successful answer)
	 */
	public int getStatusCode() {
		return this.statusCode;
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
		return new CdpTokenException(backingOffMessage(retryAt), this, this.retryable, this.statusCode);
	}

	final String backingOffMessage(Instant retryAt) {
		return getMessage() + " No new token request before " + retryAt + ".";
	}

}

package io.github.sitecorecdp.api;

import org.jspecify.annotations.Nullable;

/**
 * An error answer of a Sitecore CDP REST API, with the fields of CDP's error body.
 *
 * @author sitecore-cdp-spring-boot
 */
public class CdpApiException extends RuntimeException {

	private final int httpStatus;

	private final @Nullable String status;

	private final @Nullable Integer code;

	private final @Nullable String cdpMessage;

	private final @Nullable String developerMessage;

	private final @Nullable String moreInfoUrl;

	/**
	 * Create a new instance.
	 * @param message the exception message
	 * @param httpStatus the HTTP status code
	 * @param status the body's {@code status}: a number, or a name such as
	 * {@code UNAUTHORIZED}
	 * @param code the body's {@code code}
	 * @param cdpMessage the body's {@code message}
	 * @param developerMessage the body's {@code developerMessage}
	 * @param moreInfoUrl the body's {@code moreInfoUrl} (or its older name
	 * {@code moreInfo})
	 */
	public CdpApiException(String message, int httpStatus, @Nullable String status, @Nullable Integer code,
			@Nullable String cdpMessage, @Nullable String developerMessage, @Nullable String moreInfoUrl) {
		super(message);
		this.httpStatus = httpStatus;
		this.status = status;
		this.code = code;
		this.cdpMessage = cdpMessage;
		this.developerMessage = developerMessage;
		this.moreInfoUrl = moreInfoUrl;
	}

	/**
	 * Return the HTTP status code of the answer.
	 * @return the HTTP status code
	 */
	public int getHttpStatus() {
		return this.httpStatus;
	}

	/**
	 * Return the error body's {@code status}, as text.
	 * @return the status, or {@code null}
	 */
	public @Nullable String getStatus() {
		return this.status;
	}

	/**
	 * Return the error body's {@code code}.
	 * @return the code, or {@code null}
	 */
	public @Nullable Integer getCode() {
		return this.code;
	}

	/**
	 * Return the error body's {@code message}.
	 * @return the message, or {@code null}
	 */
	public @Nullable String getCdpMessage() {
		return this.cdpMessage;
	}

	/**
	 * Return the error body's {@code developerMessage}.
	 * @return the developer message, or {@code null}
	 */
	public @Nullable String getDeveloperMessage() {
		return this.developerMessage;
	}

	/**
	 * Return the error body's {@code moreInfoUrl}.
	 * @return the link, or {@code null}
	 */
	public @Nullable String getMoreInfoUrl() {
		return this.moreInfoUrl;
	}

}

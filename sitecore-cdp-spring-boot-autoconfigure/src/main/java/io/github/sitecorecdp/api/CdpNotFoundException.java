package io.github.sitecorecdp.api;

import org.jspecify.annotations.Nullable;

/**
 * A {@code 404} from a Sitecore CDP REST API: the reference names nothing.
 *
 * @author sitecore-cdp-spring-boot
 */
public class CdpNotFoundException extends CdpApiException {

	/**
	 * Create a new instance.
	 * @param message the exception message
	 * @param status the body's {@code status}
	 * @param code the body's {@code code}
	 * @param cdpMessage the body's {@code message}
	 * @param developerMessage the body's {@code developerMessage}
	 * @param moreInfoUrl the body's {@code moreInfoUrl}
	 */
	public CdpNotFoundException(String message, @Nullable String status, @Nullable Integer code,
			@Nullable String cdpMessage, @Nullable String developerMessage, @Nullable String moreInfoUrl) {
		super(message, 404, status, code, cdpMessage, developerMessage, moreInfoUrl);
	}

}

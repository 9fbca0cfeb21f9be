package io.github.sitecorecdp.token;

/**
 * Thrown when the token endpoint gave no answer: its host did not resolve, the connection
 * failed, or no answer came in time. Unlike an answer (a {@code 5xx}, a {@code 429},
 * rejected credentials), this may be the instance's own trouble (its DNS, its network), so
 * a store shared by several instances does not make the others back off for it.
 *
 * @author sitecore-cdp-spring-boot
 */
public class CdpTokenEndpointUnreachableException extends CdpTokenException {

	/**
	 * Create a new instance.
	 * @param message what went wrong, naming the endpoint and the property it comes from
	 * @param cause the transport failure
	 */
	public CdpTokenEndpointUnreachableException(String message, Throwable cause) {
		super(message, cause, true);
	}

}

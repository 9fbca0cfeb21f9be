package io.github.sitecorecdp.events;

/**
 * An event refused at {@code send} because Sitecore would refuse it or silently drop it.
 * The message names the event's type and the rule it breaks.
 *
 * @author sitecore-cdp-spring-boot
 */
public class InvalidCdpEventException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message what is wrong and how to fix it
	 */
	public InvalidCdpEventException(String message) {
		super(message);
	}

}

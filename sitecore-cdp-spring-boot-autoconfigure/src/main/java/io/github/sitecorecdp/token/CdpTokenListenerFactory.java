package io.github.sitecorecdp.token;

import java.util.function.Supplier;

/**
 * Makes the {@link CdpTokenListener} of one registration's token manager, for listeners
 * that must tell registrations apart, such as metrics tagged by registration. A
 * {@code CdpTokenListener} bean hears every registration alike; a bean of this type is
 * asked once per registration instead.
 *
 * @author sitecore-cdp-spring-boot
 */
@FunctionalInterface
public interface CdpTokenListenerFactory {

	/**
	 * Make the listener of one registration.
	 * @param registration {@code default} or the name under {@code sitecore.cdp.clients}
	 * @param tokenManager the registration's token manager, asked for lazily: it does not
	 * exist yet while its listener is made
	 * @return the listener
	 */
	CdpTokenListener listenerFor(String registration, Supplier<CdpAccessTokenManager> tokenManager);

}

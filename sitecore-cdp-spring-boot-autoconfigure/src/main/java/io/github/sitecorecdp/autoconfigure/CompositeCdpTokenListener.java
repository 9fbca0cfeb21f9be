package io.github.sitecorecdp.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.sitecorecdp.token.CdpTokenListener;

/**
 * Tells every {@link CdpTokenListener} bean (metrics, and any of the application's own).
 *
 * @author sitecore-cdp-spring-boot
 */
final class CompositeCdpTokenListener implements CdpTokenListener {

	private final List<CdpTokenListener> listeners;

	CompositeCdpTokenListener(List<CdpTokenListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public void tokenRequested(TokenRequestOutcome outcome, Duration duration) {
		this.listeners.forEach((listener) -> listener.tokenRequested(outcome, duration));
	}

	@Override
	public void backgroundRefreshStarted() {
		this.listeners.forEach(CdpTokenListener::backgroundRefreshStarted);
	}

	@Override
	public void tokenRejectedByApi() {
		this.listeners.forEach(CdpTokenListener::tokenRejectedByApi);
	}

}

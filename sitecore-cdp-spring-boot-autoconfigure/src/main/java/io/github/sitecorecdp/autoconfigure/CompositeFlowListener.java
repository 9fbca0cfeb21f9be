package io.github.sitecorecdp.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.sitecorecdp.flows.FlowFallbackReason;
import io.github.sitecorecdp.flows.FlowListener;
import org.jspecify.annotations.Nullable;

/**
 * Tells every {@link FlowListener} bean, in order, of each call and each cache hit.
 *
 * @author sitecore-cdp-spring-boot
 */
final class CompositeFlowListener implements FlowListener {

	private final List<FlowListener> listeners;

	CompositeFlowListener(List<FlowListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public void onCall(String friendlyId, Duration elapsed, @Nullable FlowFallbackReason reason) {
		this.listeners.forEach((each) -> each.onCall(friendlyId, elapsed, reason));
	}

	@Override
	public void onCacheHit(String friendlyId) {
		this.listeners.forEach((each) -> each.onCacheHit(friendlyId));
	}

}

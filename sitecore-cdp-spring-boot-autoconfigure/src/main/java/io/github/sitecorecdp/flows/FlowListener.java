package io.github.sitecorecdp.flows;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Told the outcome of every flow call, and every decision answered from the cache, for
 * metrics. Called on the thread that completes
 * the call: implementations must be quick and must not throw.
 */
public interface FlowListener {

	/** A listener that does nothing. */
	FlowListener NONE = (friendlyId, elapsed, reason) -> {
	};

	/**
	 * A flow call ended.
	 * @param friendlyId the flow
	 * @param elapsed how long the call took, from the caller's point of view
	 * @param reason why it fell back, or {@code null} when a decision arrived
	 */
	void onCall(String friendlyId, Duration elapsed, @Nullable FlowFallbackReason reason);

	/**
	 * A flow's decision was answered from the {@link FlowDecisionCache}, without a call
	 * (and without {@link #onCall}).
	 * @param friendlyId the flow
	 */
	default void onCacheHit(String friendlyId) {
	}

}

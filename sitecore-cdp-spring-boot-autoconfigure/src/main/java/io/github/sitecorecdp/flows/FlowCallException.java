package io.github.sitecorecdp.flows;

import org.jspecify.annotations.Nullable;

/**
 * Thrown only when a caller asks for it ({@link FlowResult#orElseThrow()}): a flow call
 * that ended without a decision.
 */
public class FlowCallException extends RuntimeException {

	private final FlowFallbackReason reason;

	public FlowCallException(FlowFallbackReason reason, @Nullable Throwable cause) {
		super("Flow call ended without a decision: " + reason, cause);
		this.reason = reason;
	}

	/**
	 * Return why there is no decision.
	 * @return the reason
	 */
	public FlowFallbackReason getReason() {
		return this.reason;
	}

}

package io.github.sitecorecdp.flows;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A flow's decision, or why there is none.
 *
 * @param <T> the decision's type
 * @param decision the decision, or {@code null} when the call fell back
 * @param reason why the call fell back, or {@code null} when a decision arrived
 * @param cause the failure behind the fallback, when there was one
 */
public record FlowResult<T>(@Nullable T decision, @Nullable FlowFallbackReason reason, @Nullable Throwable cause) {

	public FlowResult {
		if ((decision == null) == (reason == null)) {
			throw new IllegalArgumentException("A flow result is either a decision or a reason");
		}
	}

	static <T> FlowResult<T> of(T decision) {
		return new FlowResult<>(decision, null, null);
	}

	static <T> FlowResult<T> fallback(FlowFallbackReason reason, @Nullable Throwable cause) {
		return new FlowResult<>(null, reason, cause);
	}

	/**
	 * Whether the flow's decision arrived.
	 * @return {@code true} for a decision
	 */
	public boolean hasDecision() {
		return this.decision != null;
	}

	/**
	 * Return the decision, or the fallback when there is none.
	 * @param fallback what to show without a decision
	 * @return the decision or the fallback
	 */
	public T orElse(T fallback) {
		return (this.decision != null) ? this.decision : Objects.requireNonNull(fallback, "fallback");
	}

	/**
	 * Return the decision, or throw a {@link FlowCallException} that says why there is
	 * none.
	 * @return the decision
	 */
	public T orElseThrow() {
		if (this.decision != null) {
			return this.decision;
		}
		throw new FlowCallException(Objects.requireNonNull(this.reason), this.cause);
	}

}

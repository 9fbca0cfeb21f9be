package io.github.sitecorecdp.flows;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops calling Personalize after {@code failureThreshold} failed calls in a row, so that
 * a down or slow API costs requests nothing; after {@code openDuration} one trial call is
 * let through, and its outcome closes or re-opens the circuit.
 *
 * <p>
 * Written by hand because Resilience4j is not a dependency of the starter, and the policy
 * needed here (consecutive failures, one trial call, a monotonic clock for tests) fits in
 * one small class; a monitor keeps its state changes atomic, and each section is a few
 * field updates.
 */
final class FlowCircuitBreaker {

	/**
	 * The states of the circuit.
	 */
	enum State {

		/** Calls pass. */
		CLOSED,

		/** Calls fall back at once. */
		OPEN,

		/** One trial call is in flight; other calls fall back. */
		HALF_OPEN

	}

	private final int failureThreshold;

	private final long openNanos;

	private final LongSupplier nanoTime;

	/** Read without the lock on the paths every healthy call takes. */
	private volatile State state = State.CLOSED;

	private volatile int failures;

	private long openedAt;

	FlowCircuitBreaker(int failureThreshold, Duration openDuration, LongSupplier nanoTime) {
		this.failureThreshold = failureThreshold;
		this.openNanos = openDuration.toNanos();
		this.nanoTime = nanoTime;
	}

	/**
	 * Ask to make a call. A {@code true} answer must be followed by exactly one of
	 * {@link #onSuccess()}, {@link #onFailure()} or {@link #onAbandoned()}.
	 * @return whether the call may go out
	 */
	boolean tryAcquire() {
		// Without the lock while closed: two event loops taking a monitor twice per call
		// contend for it on every call, though the state changes only on failures.
		if (this.state == State.CLOSED) {
			return true;
		}
		return tryAcquireWhileNotClosed();
	}

	private synchronized boolean tryAcquireWhileNotClosed() {
		if (this.state == State.CLOSED) {
			return true;
		}
		if (this.state == State.OPEN && this.nanoTime.getAsLong() - this.openedAt >= this.openNanos) {
			this.state = State.HALF_OPEN;
			return true;
		}
		return false;
	}

	void onSuccess() {
		if (this.state == State.CLOSED && this.failures == 0) {
			// Nothing to reset: a failure racing this success counts as after it.
			return;
		}
		reset();
	}

	private synchronized void reset() {
		this.failures = 0;
		this.state = State.CLOSED;
	}

	synchronized void onFailure() {
		this.failures++;
		if (this.state == State.HALF_OPEN || this.failures >= this.failureThreshold) {
			this.state = State.OPEN;
			this.openedAt = this.nanoTime.getAsLong();
		}
	}

	/**
	 * The call said nothing about Sitecore's health (cancelled by its caller, or refused
	 * for a bad request): a trial call gives its turn to the next one.
	 */
	synchronized void onAbandoned() {
		if (this.state == State.HALF_OPEN) {
			this.state = State.OPEN;
			// Let the next call be the trial at once.
			this.openedAt = this.nanoTime.getAsLong() - this.openNanos;
		}
	}

	State state() {
		return this.state;
	}

}

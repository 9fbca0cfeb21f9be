package io.github.sitecorecdp.token;

import java.time.Duration;

/**
 * Told what the {@link CdpAccessTokenManager} does, for metrics and the like. Told after
 * the callers waiting for a token are woken, on a thread of the manager's own, one event at
 * a time in the order they happened: a slow listener delays only the events after it, never
 * a caller. A listener more than 1024 events behind misses the events that come meanwhile
 * (logged once). A listener that throws changes nothing (logged once).
 *
 * @author sitecore-cdp-spring-boot
 */
public interface CdpTokenListener {

	/** A listener that does nothing. */
	CdpTokenListener NONE = new CdpTokenListener() {
	};

	/**
	 * A token request finished.
	 * @param outcome how it went
	 * @param duration how long it took
	 */
	default void tokenRequested(TokenRequestOutcome outcome, Duration duration) {
	}

	/**
	 * A token request finished, with where its answer came from. By default, tells
	 * {@link #tokenRequested(TokenRequestOutcome, Duration)}.
	 * @param outcome how it went
	 * @param origin whether this instance asked the token endpoint, or a shared store
	 * answered for the fleet
	 * @param duration how long it took
	 */
	default void tokenRequested(TokenRequestOutcome outcome, CdpTokenOrigin origin, Duration duration) {
		tokenRequested(outcome, duration);
	}

	/**
	 * A background refresh started, while calls go on with the current token.
	 */
	default void backgroundRefreshStarted() {
	}

	/**
	 * The API answered 401 to a call made with a token; the call is being replayed.
	 */
	default void tokenRejectedByApi() {
	}

	/**
	 * How a token request ended.
	 */
	enum TokenRequestOutcome {

		/** A token was issued. */
		SUCCESS,

		/** Connection failure, timeout, 5xx or 429: may succeed later. */
		RETRYABLE_FAILURE,

		/** Sitecore rejected the API key or secret. */
		REJECTED_CREDENTIALS,

		/** Another answer that retrying will not fix, such as a 404. */
		FAILURE

	}

}

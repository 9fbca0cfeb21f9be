package io.github.sitecorecdp.token;

import java.time.Duration;

/**
 * Told what the {@link CdpAccessTokenManager} does, for metrics and the like. Called on
 * the thread that did it: implementations must be quick and must not throw.
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

package io.github.sitecorecdp.flows;

/**
 * Why a flow call returned the caller's fallback instead of the flow's decision.
 */
public enum FlowFallbackReason {

	/** The deadline passed before a decision arrived. */
	TIMEOUT,

	/** The circuit is open after repeated failures: no call was made. */
	CIRCUIT_OPEN,

	/** Sitecore answered 429 or 5xx (a 503 after its one immediate retry). */
	UNAVAILABLE,

	/** Sitecore refused the call with another 4xx, such as a 400 for a bad client key. */
	REFUSED,

	/** The connection failed or was reset. */
	CONNECTION,

	/** The answer could not be read as the requested type, or was empty. */
	MALFORMED

}

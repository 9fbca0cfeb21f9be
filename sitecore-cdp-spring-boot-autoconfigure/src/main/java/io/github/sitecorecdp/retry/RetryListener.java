package io.github.sitecorecdp.retry;

/**
 * Hears the retries of a {@link RetryPolicy}, for metrics. Called on the thread that saw
 * the failure; keep it quick.
 *
 * @author sitecore-cdp-spring-boot
 */
public interface RetryListener {

	/** A listener that does nothing. */
	RetryListener NONE = new RetryListener() {
	};

	/**
	 * A call failed transiently and is about to be tried again.
	 * @param call the call's name, such as {@code batch.status}
	 * @param retry which retry this is, from 1
	 * @param failure what failed
	 */
	default void retrying(String call, long retry, Throwable failure) {
	}

	/**
	 * A call failed transiently and is not tried again: attempts or time ran out.
	 * @param call the call's name
	 * @param attempts how many attempts were made
	 * @param failure the last failure
	 */
	default void gaveUp(String call, long attempts, Throwable failure) {
	}

}

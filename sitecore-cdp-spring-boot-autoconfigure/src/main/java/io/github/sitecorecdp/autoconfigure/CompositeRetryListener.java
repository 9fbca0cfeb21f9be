package io.github.sitecorecdp.autoconfigure;

import java.util.List;
import java.util.function.Consumer;

import io.github.sitecorecdp.retry.RetryListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Tells every {@link RetryListener} bean; one that throws, even a checked exception, is
 * logged and neither keeps the others from hearing nor changes whether a call is retried.
 *
 * @author sitecore-cdp-spring-boot
 */
final class CompositeRetryListener implements RetryListener {

	private static final Log logger = LogFactory.getLog(CompositeRetryListener.class);

	private final List<RetryListener> listeners;

	CompositeRetryListener(List<RetryListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public void retrying(String call, long retry, Throwable failure) {
		each((listener) -> listener.retrying(call, retry, failure));
	}

	@Override
	public void gaveUp(String call, long attempts, Throwable failure) {
		each((listener) -> listener.gaveUp(call, attempts, failure));
	}

	private void each(Consumer<RetryListener> call) {
		for (RetryListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (Throwable ex) {
				if (ex instanceof VirtualMachineError error) {
					throw error;
				}
				logger.warn("A RetryListener failed: " + ex);
			}
		}
	}

}

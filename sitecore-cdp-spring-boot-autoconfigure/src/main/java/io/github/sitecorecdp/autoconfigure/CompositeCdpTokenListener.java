package io.github.sitecorecdp.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import io.github.sitecorecdp.token.CdpTokenListener;
import io.github.sitecorecdp.token.CdpTokenOrigin;

/**
 * Tells every {@link CdpTokenListener} bean (metrics, and any of the application's own).
 *
 * @author sitecore-cdp-spring-boot
 */
final class CompositeCdpTokenListener implements CdpTokenListener {

	private final List<CdpTokenListener> listeners;

	CompositeCdpTokenListener(List<CdpTokenListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public void tokenRequested(TokenRequestOutcome outcome, Duration duration) {
		tellEach((listener) -> listener.tokenRequested(outcome, duration));
	}

	@Override
	public void tokenRequested(TokenRequestOutcome outcome, CdpTokenOrigin origin, Duration duration) {
		tellEach((listener) -> listener.tokenRequested(outcome, origin, duration));
	}

	@Override
	public void backgroundRefreshStarted() {
		tellEach(CdpTokenListener::backgroundRefreshStarted);
	}

	@Override
	public void tokenRejectedByApi() {
		tellEach(CdpTokenListener::tokenRejectedByApi);
	}

	/**
	 * Tells every listener even when one fails, an {@link Error} such as an
	 * {@code AssertionError} or a {@code NoClassDefFoundError} included, then reports the
	 * first failure to the token manager, which logs it and carries on. Only a failing
	 * virtual machine (out of memory, stack overflow) stops at once: nothing is sure to
	 * work after it.
	 */
	private void tellEach(Consumer<CdpTokenListener> call) {
		Throwable failure = null;
		for (CdpTokenListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (VirtualMachineError ex) {
				throw ex;
			}
			catch (Throwable ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (failure instanceof Error error) {
			throw error;
		}
		if (failure != null) {
			throw new IllegalStateException("A CdpTokenListener failed", failure);
		}
	}

}

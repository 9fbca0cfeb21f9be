package io.github.sitecorecdp.actuate;

import io.github.sitecorecdp.retry.RetryListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer metrics of retries of idempotent calls. Tags carry the call's name only.
 *
 * <ul>
 * <li>{@code sitecore.cdp.retries} (counter), tag {@code call} (such as
 * {@code batch.status}, {@code batch.upload}): retries made</li>
 * <li>{@code sitecore.cdp.retry.give-ups} (counter), tag {@code call}: calls that still
 * failed after their retries or deadline</li>
 * </ul>
 *
 * @author sitecore-cdp-spring-boot
 */
public final class SitecoreCdpRetryMetrics implements RetryListener, MeterBinder {

	private volatile @Nullable MeterRegistry registry;

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void retrying(String call, long retry, Throwable failure) {
		MeterRegistry current = this.registry;
		if (current != null) {
			Counter.builder("sitecore.cdp.retries")
				.description("Retries of idempotent calls after transient failures")
				.tag("call", call)
				.register(current)
				.increment();
		}
	}

	@Override
	public void gaveUp(String call, long attempts, Throwable failure) {
		MeterRegistry current = this.registry;
		if (current != null) {
			Counter.builder("sitecore.cdp.retry.give-ups")
				.description("Idempotent calls that failed after their retries")
				.tag("call", call)
				.register(current)
				.increment();
		}
	}

}

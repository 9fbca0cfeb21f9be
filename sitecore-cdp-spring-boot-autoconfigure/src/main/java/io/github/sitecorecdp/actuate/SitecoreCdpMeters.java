package io.github.sitecorecdp.actuate;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenListener;
import io.github.sitecorecdp.token.CdpTokenListenerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The {@link SitecoreCdpMetrics} of every registration, each tagged with its name, bound
 * to every registry Spring Boot binds this to. Registrations and registries may come in
 * either order: a registration's token manager may be built before or after the meter
 * registry.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class SitecoreCdpMeters implements CdpTokenListenerFactory, MeterBinder {

	private final List<SitecoreCdpMetrics> metrics = new CopyOnWriteArrayList<>();

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	@Override
	public synchronized CdpTokenListener listenerFor(String registration,
			Supplier<CdpAccessTokenManager> tokenManager) {
		SitecoreCdpMetrics created = new SitecoreCdpMetrics(registration, tokenManager);
		this.metrics.add(created);
		this.registries.forEach(created::bindTo);
		return created;
	}

	@Override
	public synchronized void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		this.metrics.forEach((metrics) -> metrics.bindTo(registry));
	}

}

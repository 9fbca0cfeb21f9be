package io.github.sitecorecdp.autoconfigure;

import java.util.Objects;

import io.github.sitecorecdp.actuate.SitecoreCdpEventMetrics;
import io.github.sitecorecdp.events.BrowserRefStore;
import io.github.sitecorecdp.events.CaffeineBrowserRefStore;
import io.github.sitecorecdp.events.CdpEventSender;
import io.github.sitecorecdp.realtime.RealtimeSettings;
import io.github.sitecorecdp.retry.RetryListener;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of server-side events ({@link CdpEventSender}): created when
 * {@code sitecore.cdp.realtime.point-of-sale} is set, with browser refs in a Caffeine
 * cache unless the application declares its own {@link BrowserRefStore}.
 *
 * @author sitecore-cdp-spring-boot
 */
@AutoConfiguration(afterName = "io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration")
@ConditionalOnClass(name = { "org.springframework.web.reactive.function.client.WebClient",
		"com.github.benmanes.caffeine.cache.Caffeine" })
@ConditionalOnSitecoreCdpEnabled
@ConditionalOnProperty(prefix = "sitecore.cdp.realtime", name = "point-of-sale")
public final class SitecoreCdpEventsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BrowserRefStore sitecoreCdpBrowserRefStore(SitecoreCdpProperties properties) {
		SitecoreCdpProperties.Events events = properties.getEvents();
		return new CaffeineBrowserRefStore(events.getBrowserRefCacheSize(), events.getBrowserRefExpiry());
	}

	@Bean
	@ConditionalOnMissingBean
	CdpEventSender cdpEventSender(SitecoreCdpProperties properties, CdpRegistrationClients registrationClients,
			BrowserRefStore browserRefStore, ObjectProvider<RetryListener> retryListeners) {
		RealtimeSettings realtime = Objects.requireNonNull(properties.determineRealtimeSettings(),
				"point of sale set");
		SitecoreCdpProperties.Events events = properties.getEvents();
		CdpEventSender.Settings settings = new CdpEventSender.Settings(events.getQueueCapacity(),
				events.getQueueMaxBytes().toBytes(), events.getMaxInFlight(), events.getShutdownTimeout(),
				events.getDropLogInterval());
		// The Stream API takes the client key in the query: no token, no Basic credentials.
		// Straight through Reactor Netty: each address carries its event (CdpEventSender).
		return CdpEventSender.overReactorNetty(registrationClients.apiHttpClient(), realtime, browserRefStore,
				SitecoreCdpAutoConfiguration.retryPolicy(properties, registrationClients, retryListeners), settings,
				System::nanoTime);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SitecoreCdpEventMetrics sitecoreCdpEventMetrics(CdpEventSender cdpEventSender) {
			return new SitecoreCdpEventMetrics(cdpEventSender);
		}

	}

}

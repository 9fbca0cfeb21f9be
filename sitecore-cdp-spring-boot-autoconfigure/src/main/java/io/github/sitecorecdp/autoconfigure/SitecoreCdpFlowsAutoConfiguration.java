package io.github.sitecorecdp.autoconfigure;

import java.util.List;
import java.util.Objects;

import io.github.sitecorecdp.actuate.SitecoreCdpFlowMetrics;
import io.github.sitecorecdp.flows.CaffeineFlowDecisionCache;
import io.github.sitecorecdp.flows.FlowClient;
import io.github.sitecorecdp.flows.FlowDecisionCache;
import io.github.sitecorecdp.flows.FlowListener;
import io.github.sitecorecdp.realtime.RealtimeSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of Personalize flow execution: a {@link FlowClient} when
 * {@code sitecore.cdp.realtime.point-of-sale} is set, on the connection settings of
 * {@code sitecore.cdp.*} and without the CDP bearer token ({@code callFlows} takes the
 * client key in its body). Decisions of the flows {@code sitecore.cdp.flows.cache.flows}
 * names are kept in a Caffeine cache when Caffeine is on the class path.
 *
 * @author sitecore-cdp-spring-boot
 */
@AutoConfiguration(after = SitecoreCdpAutoConfiguration.class)
@ConditionalOnSitecoreCdpEnabled
@ConditionalOnBean(CdpRegistrationClients.class)
@ConditionalOnProperty(prefix = "sitecore.cdp.realtime", name = "point-of-sale")
public final class SitecoreCdpFlowsAutoConfiguration {

	private static final Log logger = LogFactory.getLog(SitecoreCdpFlowsAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	FlowClient sitecoreCdpFlowClient(SitecoreCdpProperties properties, CdpRegistrationClients registrationClients,
			ObjectProvider<FlowListener> listeners, ObjectProvider<FlowDecisionCache> cache) {
		RealtimeSettings settings = Objects.requireNonNull(properties.determineRealtimeSettings(),
				"point of sale set");
		SitecoreCdpProperties.Flows flows = properties.getFlows();
		FlowDecisionCache decisions = cache.getIfAvailable(() -> FlowDecisionCache.NONE);
		if (decisions == FlowDecisionCache.NONE && !flows.getCache().getFlows().isEmpty()) {
			logger.warn("sitecore.cdp.flows.cache.flows names flows, but Caffeine is not on the class path: "
					+ "their decisions are not cached");
		}
		return new FlowClient(registrationClients.apiWebClientBuilder().build(), settings, flows.getDeadline(),
				flows.getFailureThreshold(), flows.getOpenDuration(), System::nanoTime,
				new CompositeFlowListener(listeners.orderedStream().toList()), decisions);
	}

	/**
	 * The decision cache, only with Caffeine (an optional dependency) and flows named.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "com.github.benmanes.caffeine.cache.Caffeine")
	@Conditional(OnCachedFlowsCondition.class)
	static class DecisionCacheConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FlowDecisionCache sitecoreCdpFlowDecisionCache(SitecoreCdpProperties properties) {
			SitecoreCdpProperties.Flows.Cache cache = properties.getFlows().getCache();
			return new CaffeineFlowDecisionCache(cache.getFlows(), cache.getTtl(), cache.getMaxSize(),
					System::nanoTime);
		}

	}

	/**
	 * Micrometer metrics of flow calls.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	static class FlowMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SitecoreCdpFlowMetrics sitecoreCdpFlowMetrics(ObjectProvider<FlowClient> flowClient) {
			return new SitecoreCdpFlowMetrics(flowClient::getIfAvailable);
		}

	}

}

package io.github.sitecorecdp.autoconfigure;

import java.util.List;
import java.util.Objects;

import io.github.sitecorecdp.actuate.SitecoreCdpFlowMetrics;
import io.github.sitecorecdp.flows.FlowClient;
import io.github.sitecorecdp.flows.FlowListener;
import io.github.sitecorecdp.realtime.RealtimeSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of Personalize flow execution: a {@link FlowClient} when
 * {@code sitecore.cdp.realtime.point-of-sale} is set, on the connection settings of
 * {@code sitecore.cdp.*} and without the CDP bearer token ({@code callFlows} takes the
 * client key in its body).
 *
 * @author sitecore-cdp-spring-boot
 */
@AutoConfiguration(after = SitecoreCdpAutoConfiguration.class)
@ConditionalOnSitecoreCdpEnabled
@ConditionalOnBean(CdpRegistrationClients.class)
@ConditionalOnProperty(prefix = "sitecore.cdp.realtime", name = "point-of-sale")
public final class SitecoreCdpFlowsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FlowClient sitecoreCdpFlowClient(SitecoreCdpProperties properties, CdpRegistrationClients registrationClients,
			ObjectProvider<FlowListener> listeners) {
		RealtimeSettings settings = Objects.requireNonNull(properties.determineRealtimeSettings(),
				"point of sale set");
		SitecoreCdpProperties.Flows flows = properties.getFlows();
		List<FlowListener> all = listeners.orderedStream().toList();
		FlowListener listener = (friendlyId, elapsed, reason) -> all
			.forEach((each) -> each.onCall(friendlyId, elapsed, reason));
		return new FlowClient(registrationClients.apiWebClientBuilder().build(), settings, flows.getDeadline(),
				flows.getFailureThreshold(), flows.getOpenDuration(), System::nanoTime, listener);
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

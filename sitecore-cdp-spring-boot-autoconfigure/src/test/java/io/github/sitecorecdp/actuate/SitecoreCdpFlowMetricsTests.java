package io.github.sitecorecdp.actuate;

import java.time.Duration;

import io.github.sitecorecdp.flows.FlowFallbackReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flow metrics keep their meters once registered: every call lands in the meter of its
 * flow and outcome, whichever call registered it.
 */
class SitecoreCdpFlowMetricsTests {

	@Test
	void whenCallsOfTwoFlowsEndEachWayThenEachMeterCountsExactlyItsOwn() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		SitecoreCdpFlowMetrics metrics = new SitecoreCdpFlowMetrics(() -> null);
		metrics.bindTo(registry);
		for (int i = 0; i < 3; i++) {
			metrics.onCall("offer", Duration.ofMillis(10), null);
		}
		metrics.onCall("offer", Duration.ofMillis(400), FlowFallbackReason.TIMEOUT);
		metrics.onCall("offer", Duration.ofMillis(400), FlowFallbackReason.TIMEOUT);
		metrics.onCall("offer", Duration.ofMillis(1), FlowFallbackReason.CIRCUIT_OPEN);
		metrics.onCall("banner", Duration.ofMillis(20), null);
		metrics.onCacheHit("banner");
		metrics.onCacheHit("banner");
		assertThat(registry.get("sitecore.cdp.flows.calls").tag("flow", "offer").tag("outcome", "decision").timer()
			.count()).isEqualTo(3);
		assertThat(registry.get("sitecore.cdp.flows.calls").tag("flow", "offer").tag("outcome", "fallback").timer()
			.count()).isEqualTo(3);
		assertThat(registry.get("sitecore.cdp.flows.fallbacks").tag("flow", "offer").tag("reason", "timeout")
			.counter()
			.count()).isEqualTo(2);
		assertThat(registry.get("sitecore.cdp.flows.fallbacks").tag("flow", "offer").tag("reason", "circuit_open")
			.counter()
			.count()).isEqualTo(1);
		assertThat(registry.get("sitecore.cdp.flows.timeouts").tag("flow", "offer").counter().count()).isEqualTo(2);
		assertThat(registry.get("sitecore.cdp.flows.calls").tag("flow", "banner").timer().count()).isEqualTo(1);
		assertThat(registry.get("sitecore.cdp.flows.cache.hits").tag("flow", "banner").counter().count())
			.isEqualTo(2);
		assertThat(registry.find("sitecore.cdp.flows.timeouts").tag("flow", "banner").counter()).isNull();
	}

	@Test
	void whenBoundToAnotherRegistryThenLaterCallsAreCountedThere() {
		SitecoreCdpFlowMetrics metrics = new SitecoreCdpFlowMetrics(() -> null);
		SimpleMeterRegistry first = new SimpleMeterRegistry();
		metrics.bindTo(first);
		metrics.onCall("offer", Duration.ofMillis(10), null);
		SimpleMeterRegistry second = new SimpleMeterRegistry();
		metrics.bindTo(second);
		metrics.onCall("offer", Duration.ofMillis(10), null);
		metrics.onCall("offer", Duration.ofMillis(10), null);
		assertThat(first.get("sitecore.cdp.flows.calls").timer().count()).isEqualTo(1);
		assertThat(second.get("sitecore.cdp.flows.calls").timer().count()).isEqualTo(2);
	}

}

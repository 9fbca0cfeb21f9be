package io.github.sitecorecdp.actuate;

import java.time.Duration;
import java.util.function.Supplier;

import io.github.sitecorecdp.flows.FlowClient;
import io.github.sitecorecdp.flows.FlowFallbackReason;
import io.github.sitecorecdp.flows.FlowListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer metrics of Personalize flow calls. Tags carry the flow's friendly id and the
 * fallback reason only, never an identity.
 *
 * <ul>
 * <li>{@code sitecore.cdp.flows.calls} (timer), tags {@code flow}, {@code outcome}
 * ({@code decision} or {@code fallback}): time each call took, as its caller saw it</li>
 * <li>{@code sitecore.cdp.flows.fallbacks} (counter), tags {@code flow}, {@code reason}
 * (such as {@code timeout}, {@code circuit_open}): calls that gave the fallback</li>
 * <li>{@code sitecore.cdp.flows.timeouts} (counter), tag {@code flow}: calls cut by the
 * deadline</li>
 * <li>{@code sitecore.cdp.flows.circuit.state} (gauge): 0 closed, 1 open, 2 half-open</li>
 * <li>{@code sitecore.cdp.flows.cache.hits} (counter), tag {@code flow}: decisions
 * answered from the decision cache, without a call (not in {@code calls})</li>
 * </ul>
 *
 * @author sitecore-cdp-spring-boot
 */
public final class SitecoreCdpFlowMetrics implements FlowListener, MeterBinder {

	private final Supplier<@Nullable FlowClient> flowClient;

	private volatile @Nullable MeterRegistry registry;

	public SitecoreCdpFlowMetrics(Supplier<@Nullable FlowClient> flowClient) {
		this.flowClient = flowClient;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		Gauge.builder("sitecore.cdp.flows.circuit.state", this, SitecoreCdpFlowMetrics::circuitState)
			.description("State of the flow calls' circuit: 0 closed, 1 open, 2 half-open")
			.register(registry);
	}

	@Override
	public void onCall(String friendlyId, Duration elapsed, @Nullable FlowFallbackReason reason) {
		MeterRegistry current = this.registry;
		if (current == null) {
			return;
		}
		Timer.builder("sitecore.cdp.flows.calls")
			.description("Time flow calls took, fallbacks included")
			.tag("flow", friendlyId)
			.tag("outcome", (reason != null) ? "fallback" : "decision")
			.register(current)
			.record(elapsed);
		if (reason != null) {
			Counter.builder("sitecore.cdp.flows.fallbacks")
				.description("Flow calls that gave the caller's fallback")
				.tag("flow", friendlyId)
				.tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
				.register(current)
				.increment();
		}
		if (reason == FlowFallbackReason.TIMEOUT) {
			Counter.builder("sitecore.cdp.flows.timeouts")
				.description("Flow calls cut by their deadline")
				.tag("flow", friendlyId)
				.register(current)
				.increment();
		}
	}

	@Override
	public void onCacheHit(String friendlyId) {
		MeterRegistry current = this.registry;
		if (current == null) {
			return;
		}
		Counter.builder("sitecore.cdp.flows.cache.hits")
			.description("Flow decisions answered from the decision cache, without a call")
			.tag("flow", friendlyId)
			.register(current)
			.increment();
	}

	private double circuitState() {
		FlowClient client = this.flowClient.get();
		return (client != null) ? client.circuitStateCode() : Double.NaN;
	}

}

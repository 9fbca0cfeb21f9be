package io.github.sitecorecdp.actuate;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.sitecorecdp.flows.FlowClient;
import io.github.sitecorecdp.flows.FlowFallbackReason;
import io.github.sitecorecdp.flows.FlowListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
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

	private static final String CALLS = "sitecore.cdp.flows.calls";

	private static final String FALLBACKS = "sitecore.cdp.flows.fallbacks";

	private static final String TIMEOUTS = "sitecore.cdp.flows.timeouts";

	private static final String CACHE_HITS = "sitecore.cdp.flows.cache.hits";

	private final Supplier<@Nullable FlowClient> flowClient;

	/**
	 * Meters already registered, by name and tags. Registering again on every call costs
	 * Micrometer an id, sorted tags and its own lookups; a flow call is on a request path.
	 */
	private final ConcurrentMap<MeterKey, Meter> meters = new ConcurrentHashMap<>();

	private volatile @Nullable MeterRegistry registry;

	public SitecoreCdpFlowMetrics(Supplier<@Nullable FlowClient> flowClient) {
		this.flowClient = flowClient;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.meters.clear();
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
		String outcome = (reason != null) ? "fallback" : "decision";
		Timer calls = meter(new MeterKey(CALLS, friendlyId, outcome), (key) -> Timer.builder(CALLS)
			.description("Time flow calls took, fallbacks included")
			.tag("flow", friendlyId)
			.tag("outcome", outcome)
			.register(current));
		calls.record(elapsed);
		if (reason != null) {
			String tag = reason.name().toLowerCase(Locale.ROOT);
			Counter fallbacks = meter(new MeterKey(FALLBACKS, friendlyId, tag), (key) -> Counter.builder(FALLBACKS)
				.description("Flow calls that gave the caller's fallback")
				.tag("flow", friendlyId)
				.tag("reason", tag)
				.register(current));
			fallbacks.increment();
		}
		if (reason == FlowFallbackReason.TIMEOUT) {
			Counter timeouts = meter(new MeterKey(TIMEOUTS, friendlyId, ""), (key) -> Counter.builder(TIMEOUTS)
				.description("Flow calls cut by their deadline")
				.tag("flow", friendlyId)
				.register(current));
			timeouts.increment();
		}
	}

	@Override
	public void onCacheHit(String friendlyId) {
		MeterRegistry current = this.registry;
		if (current == null) {
			return;
		}
		Counter hits = meter(new MeterKey(CACHE_HITS, friendlyId, ""), (key) -> Counter.builder(CACHE_HITS)
			.description("Flow decisions answered from the decision cache, without a call")
			.tag("flow", friendlyId)
			.register(current));
		hits.increment();
	}

	@SuppressWarnings("unchecked")
	private <M extends Meter> M meter(MeterKey key, Function<MeterKey, M> register) {
		return (M) this.meters.computeIfAbsent(key, register);
	}

	private double circuitState() {
		FlowClient client = this.flowClient.get();
		return (client != null) ? client.circuitStateCode() : Double.NaN;
	}

	/** A meter's name and the tag values that tell it from the others of that name. */
	private record MeterKey(String name, String flow, String detail) {
	}

}

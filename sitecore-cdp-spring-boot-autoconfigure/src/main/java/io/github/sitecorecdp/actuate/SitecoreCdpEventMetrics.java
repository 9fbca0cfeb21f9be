package io.github.sitecorecdp.actuate;

import io.github.sitecorecdp.events.CdpEventSender;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer metrics of server-side events. Tags carry no event data.
 *
 * <ul>
 * <li>{@code sitecore.cdp.events.sent} (counter): events Sitecore acknowledged</li>
 * <li>{@code sitecore.cdp.events.dropped} (counter): events dropped because the queue was
 * full or the sender stopped</li>
 * <li>{@code sitecore.cdp.events.failed} (counter): events refused by Sitecore or still
 * failing when retries ran out</li>
 * <li>{@code sitecore.cdp.events.queue.depth} (gauge): events enqueued and not yet
 * settled</li>
 * <li>{@code sitecore.cdp.events.in.flight} (gauge): calls to the Stream API at once</li>
 * </ul>
 *
 * @author sitecore-cdp-spring-boot
 */
public final class SitecoreCdpEventMetrics implements MeterBinder {

	private final CdpEventSender sender;

	/**
	 * Create the metrics of a sender.
	 * @param sender the sender
	 */
	public SitecoreCdpEventMetrics(CdpEventSender sender) {
		this.sender = sender;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("sitecore.cdp.events.sent", this.sender, CdpEventSender::sentCount)
			.description("Events Sitecore acknowledged")
			.register(registry);
		FunctionCounter.builder("sitecore.cdp.events.dropped", this.sender, CdpEventSender::droppedCount)
			.description("Events dropped because the queue was full or the sender stopped")
			.register(registry);
		FunctionCounter.builder("sitecore.cdp.events.failed", this.sender, CdpEventSender::failedCount)
			.description("Events refused by Sitecore or failing after every retry")
			.register(registry);
		Gauge.builder("sitecore.cdp.events.queue.depth", this.sender, CdpEventSender::queueDepth)
			.description("Events enqueued and not yet acknowledged or failed")
			.register(registry);
		Gauge.builder("sitecore.cdp.events.in.flight", this.sender, CdpEventSender::inFlight)
			.description("Calls to the Stream API in flight")
			.register(registry);
	}

}

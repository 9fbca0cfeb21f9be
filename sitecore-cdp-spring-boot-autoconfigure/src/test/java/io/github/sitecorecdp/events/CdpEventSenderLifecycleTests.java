package io.github.sitecorecdp.events;

import java.util.stream.IntStream;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpEventsAutoConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configured sender in a Spring context: closing the context in the middle of a
 * burst drains the queue through the lifecycle, losing nothing.
 */
class CdpEventSenderLifecycleTests {

	private final StreamApiServer api;

	CdpEventSenderLifecycleTests() throws Exception {
		this.api = new StreamApiServer();
	}

	@AfterEach
	void close() {
		this.api.close();
	}

	@Test
	void whenTheContextClosesMidBurstThenEveryEventArrivesExactlyOnce() {
		this.api.delayMillis = 2;
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(SitecoreCdpAutoConfiguration.class, SitecoreCdpEventsAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret",
					"sitecore.cdp.base-url=" + this.api.baseUrl(), "sitecore.cdp.realtime.client-key=ck",
					"sitecore.cdp.realtime.point-of-sale=shop", "sitecore.cdp.realtime.currency=EUR",
					"sitecore.cdp.events.max-in-flight=8", "sitecore.cdp.events.shutdown-timeout=30s")
			.run((context) -> {
				CdpEventSender sender = context.getBean(CdpEventSender.class);
				IntStream.range(0, 400)
					.forEach((i) -> assertThat(sender.send("v" + (i % 25), CdpEvent.view("/p").withExt("seq", i)))
						.isTrue());
				context.close();
				assertThat(sender.isRunning()).isFalse();
				assertThat(sender.queueDepth()).isZero();
				assertThat(sender.sentCount()).isEqualTo(400);
			});
		assertThat(this.api.events).hasSize(400);
		assertThat(this.api.events.stream().map((message) -> message.replaceAll(".*\"seq\":(\\d+).*", "$1")).distinct())
			.hasSize(400);
		assertThat(this.api.eventsByBrowser).hasSize(25);
	}

}

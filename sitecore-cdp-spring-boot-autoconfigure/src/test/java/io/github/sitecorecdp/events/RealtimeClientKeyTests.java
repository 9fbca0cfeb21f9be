package io.github.sitecorecdp.events;

import java.time.Duration;
import java.util.Map;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpEventsAutoConfiguration;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpFlowsAutoConfiguration;
import io.github.sitecorecdp.fake.FakeBatches;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.fake.FakeStreamApi;
import io.github.sitecorecdp.flows.FlowClient;
import io.github.sitecorecdp.flows.FlowIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which client key the real-time clients send: {@code realtime.client-key} when set,
 * otherwise the Batch API's {@code basic-auth.client-key}, as the events page promises.
 * The fake answers 401 (events) or 400 (flows) to any other key, so a wrong choice fails.
 */
class RealtimeClientKeyTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class,
				SitecoreCdpEventsAutoConfiguration.class, SitecoreCdpFlowsAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret",
				"sitecore.cdp.base-url=" + this.cdp.baseUrl(),
				"sitecore.cdp.realtime.point-of-sale=" + FakeStreamApi.POINT_OF_SALE,
				"sitecore.cdp.realtime.currency=EUR", "sitecore.cdp.flows.deadline=5s",
				"sitecore.cdp.retry.max-attempts=1");

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	@Test
	void whenOnlyTheBatchClientKeyIsSetThenEventsAreSentWithIt() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.basic-auth.client-key=" + FakeBatches.CLIENT_KEY,
					"sitecore.cdp.basic-auth.api-token=token")
			.run((context) -> {
				CdpEventSender sender = context.getBean(CdpEventSender.class);
				sender.send("visitor-1", CdpEvent.view("/home"));
				assertThat(sender.flush(TIMEOUT).completed()).isTrue();
				assertThat(sender.failedCount()).isZero();
				assertThat(this.cdp.api().streams().allEvents()).hasSize(1);
			});
	}

	@Test
	void whenBothClientKeysAreSetThenTheRealtimeOneIsSent() {
		this.cdp.api().flows().answer("offer", "{\"title\":\"hello\"}");
		this.contextRunner
			.withPropertyValues("sitecore.cdp.realtime.client-key=" + FakeBatches.CLIENT_KEY,
					"sitecore.cdp.basic-auth.client-key=the-batch-key", "sitecore.cdp.basic-auth.api-token=token")
			.run((context) -> {
				CdpEventSender sender = context.getBean(CdpEventSender.class);
				sender.send("visitor-1", CdpEvent.view("/home"));
				assertThat(sender.flush(TIMEOUT).completed()).isTrue();
				assertThat(sender.failedCount()).isZero();
				assertThat(this.cdp.api().streams().allEvents()).hasSize(1);
				Map<?, ?> decision = context.getBean(FlowClient.class)
					.callFlowBlocking("offer", FlowIdentity.ofBrowser("b-1"), Map.of(), Map.class, Map.of());
				assertThat(decision).isEqualTo(Map.of("title", "hello"));
			});
	}

}

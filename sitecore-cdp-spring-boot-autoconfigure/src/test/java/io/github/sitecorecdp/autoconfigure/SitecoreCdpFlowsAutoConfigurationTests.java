package io.github.sitecorecdp.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.sitecorecdp.fake.FakeFlows;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.flows.FlowClient;
import io.github.sitecorecdp.flows.FlowIdentity;
import io.github.sitecorecdp.testsupport.BootLine;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flow client exists when a point of sale is set, needs no API key, takes the client
 * key from basic-auth when the real-time one is not set, and refuses bad flow settings at
 * startup.
 */
class SitecoreCdpFlowsAutoConfigurationTests {

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(SitecoreCdpAutoConfiguration.class, SitecoreCdpFlowsAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.base-url=" + this.cdp.baseUrl());

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	@Test
	void whenNoPointOfSaleIsSetThenThereIsNoFlowClient() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret",
					"sitecore.cdp.realtime.client-key=" + FakeFlows.CLIENT_KEY)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FlowClient.class));
	}

	@Test
	void whenAPointOfSaleIsSetThenTheFlowClientCallsTheFakeWithoutAnApiKey() {
		this.cdp.api().flows().answer("offer", "{\"title\":\"hello\"}");
		this.contextRunner
			.withPropertyValues("sitecore.cdp.basic-auth.client-key=" + FakeFlows.CLIENT_KEY,
					"sitecore.cdp.basic-auth.api-token=token", "sitecore.cdp.realtime.point-of-sale=shop",
					"sitecore.cdp.realtime.currency=EUR", "sitecore.cdp.flows.deadline=5s")
			.run((context) -> {
				FlowClient client = context.getBean(FlowClient.class);
				Map<?, ?> decision = client.callFlowBlocking("offer", FlowIdentity.ofBrowser("b-1"), Map.of(),
						Map.class, Map.of());
				assertThat(decision).isEqualTo(Map.of("title", "hello"));
				assertThat(this.cdp.api().flows().calls()).singleElement()
					.satisfies((call) -> assertThat(call.body()).contains("\"pointOfSale\":\"shop\"",
							"\"clientKey\":\"" + FakeFlows.CLIENT_KEY + "\""));
			});
	}

	@Test
	void whenTheDeadlineIsZeroThenStartupIsRefusedNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.realtime.client-key=ck", "sitecore.cdp.realtime.point-of-sale=shop",
					"sitecore.cdp.realtime.currency=EUR", "sitecore.cdp.flows.deadline=0ms",
					"sitecore.cdp.flows.failure-threshold=0")
			.run(StartupRefusals.refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.flows.deadline is 0s, but must be longer than zero")
				.contains("sitecore.cdp.flows.failure-threshold is 0, but must be between 1 and 1000")));
	}

	@Test
	void whenMetricsArePresentThenFallbacksTimeoutsAndTheCircuitStateAreRecorded() {
		this.cdp.api().flows().delay("slow", Duration.ofSeconds(2)).failNext("down", 2, 500);
		this.contextRunner.withConfiguration(AutoConfigurations.of(BootLine.metricsAutoConfigurations()))
			.withPropertyValues("sitecore.cdp.realtime.client-key=" + FakeFlows.CLIENT_KEY,
					"sitecore.cdp.realtime.point-of-sale=shop", "sitecore.cdp.realtime.currency=EUR",
					"sitecore.cdp.flows.deadline=1s", "sitecore.cdp.flows.failure-threshold=3")
			.run((context) -> {
				FlowClient client = context.getBean(FlowClient.class);
				FlowIdentity visitor = FlowIdentity.ofBrowser("b-1");
				client.callFlowBlocking("down", visitor, Map.of(), Map.class, Map.of());
				client.callFlowBlocking("down", visitor, Map.of(), Map.class, Map.of());
				client.callFlowBlocking("slow", visitor, Map.of(), Map.class, Map.of());
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("sitecore.cdp.flows.fallbacks").tag("flow", "down").tag("reason", "unavailable")
					.counter()
					.count()).isEqualTo(2);
				assertThat(registry.get("sitecore.cdp.flows.timeouts").tag("flow", "slow").counter().count())
					.isEqualTo(1);
				assertThat(registry.get("sitecore.cdp.flows.calls").tag("outcome", "fallback").timers())
					.hasSize(2);
				assertThat(registry.get("sitecore.cdp.flows.circuit.state").gauge().value()).isEqualTo(1.0);
			});
	}

}

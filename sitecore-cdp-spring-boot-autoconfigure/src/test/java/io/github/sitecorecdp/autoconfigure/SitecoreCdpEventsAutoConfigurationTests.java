package io.github.sitecorecdp.autoconfigure;

import io.github.sitecorecdp.actuate.SitecoreCdpEventMetrics;
import io.github.sitecorecdp.events.BrowserRefStore;
import io.github.sitecorecdp.events.CaffeineBrowserRefStore;
import io.github.sitecorecdp.events.CdpEventSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the event sender is created, with what, and which {@code realtime.*} and
 * {@code events.*} values refuse startup.
 */
class SitecoreCdpEventsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class,
				SitecoreCdpEventsAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret");

	@Test
	void whenNoPointOfSaleIsSetThenThereIsNoEventSender() {
		this.contextRunner.withPropertyValues("sitecore.cdp.realtime.client-key=ck")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(CdpEventSender.class)
				.doesNotHaveBean(BrowserRefStore.class));
	}

	@Test
	void whenAPointOfSaleIsSetThenTheSenderIsRunningWithACaffeineStore() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.realtime.point-of-sale=shop", "sitecore.cdp.realtime.currency=EUR",
					"sitecore.cdp.basic-auth.client-key=ck", "sitecore.cdp.basic-auth.api-token=t")
			.run((context) -> {
				assertThat(context).hasSingleBean(CdpEventSender.class)
					.getBean(BrowserRefStore.class)
					.isInstanceOf(CaffeineBrowserRefStore.class);
				assertThat(context.getBean(CdpEventSender.class).isRunning()).isTrue();
				assertThat(context.getBean(CdpEventSender.class).getPhase()).isEqualTo(CdpEventSender.PHASE);
			});
	}

	@Test
	void whenTheApplicationHasItsOwnBrowserRefStoreThenItIsUsed() {
		BrowserRefStore own = new BrowserRefStore() {

			@Override
			public @Nullable String find(String visitorKey) {
				return null;
			}

			@Override
			public void save(String visitorKey, String browserRef) {
			}

		};
		this.contextRunner
			.withPropertyValues("sitecore.cdp.realtime.point-of-sale=shop", "sitecore.cdp.realtime.currency=EUR",
					"sitecore.cdp.realtime.client-key=ck")
			.withBean(BrowserRefStore.class, () -> own)
			.run((context) -> assertThat(context).getBean(BrowserRefStore.class).isSameAs(own));
	}

	@Test
	void whenMicrometerIsPresentThenTheEventMetricsAreBound() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.realtime.point-of-sale=shop", "sitecore.cdp.realtime.currency=EUR",
					"sitecore.cdp.realtime.client-key=ck")
			.run((context) -> {
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				context.getBean(SitecoreCdpEventMetrics.class).bindTo(registry);
				assertThat(registry.get("sitecore.cdp.events.dropped").functionCounter().count()).isZero();
				assertThat(registry.get("sitecore.cdp.events.queue.depth").gauge().value()).isZero();
			});
	}

	@Test
	void whenCaffeineIsMissingThenThereIsNoEventSender() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("com.github.benmanes.caffeine"))
			.withPropertyValues("sitecore.cdp.realtime.point-of-sale=shop", "sitecore.cdp.realtime.currency=EUR",
					"sitecore.cdp.realtime.client-key=ck")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(CdpEventSender.class));
	}

	@Test
	void whenAPointOfSaleHasNoClientKeyNorCurrencyThenStartupIsRefusedNamingBoth() {
		this.contextRunner.withPropertyValues("sitecore.cdp.realtime.point-of-sale=shop")
			.run(StartupRefusals.refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.realtime.client-key")
				.contains("sitecore.cdp.realtime.currency")));
	}

	@Test
	void whenLanguageAndCurrencyAreNotUpperCaseCodesThenStartupIsRefusedNamingBoth() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.realtime.language=en", "sitecore.cdp.realtime.currency=euro")
			.run(StartupRefusals.refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.realtime.language is 'en'")
				.contains("sitecore.cdp.realtime.currency is 'euro'")));
	}

	@Test
	void whenEventBoundsAreNotPositiveThenStartupIsRefusedNamingThem() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.events.queue-capacity=0", "sitecore.cdp.events.max-in-flight=-1",
					"sitecore.cdp.events.shutdown-timeout=0s")
			.run(StartupRefusals.refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.events.queue-capacity is 0")
				.contains("sitecore.cdp.events.max-in-flight is -1")
				.contains("sitecore.cdp.events.shutdown-timeout")));
	}

	@Test
	void whenEventBoundsAreAboveWhatTheQueueCanCountThenStartupIsRefusedNamingThem() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.events.queue-capacity=40000000", "sitecore.cdp.events.queue-max-bytes=300GB")
			.run(StartupRefusals.refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.events.queue-capacity is 40000000, but the event queue holds at most 33554431")
				.contains("sitecore.cdp.events.queue-max-bytes is 322122547200, but the event queue holds at most "
						+ "274877906943")));
	}

}

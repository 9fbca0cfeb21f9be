package io.github.sitecorecdp.flows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpFlowsAutoConfiguration;
import io.github.sitecorecdp.fake.FakeFlows;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.realtime.Channel;
import io.github.sitecorecdp.realtime.RealtimeSettings;
import io.github.sitecorecdp.testsupport.BootLine;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision cache of flows that are not personal, counted at the fake: a kept decision
 * spares the call until its time to live passes; flow, identity and params each make
 * their own entry; a fallback is never kept; without Caffeine nothing is.
 */
class FlowDecisionCacheTests {

	private static final FlowIdentity VISITOR = FlowIdentity.ofBrowser("b-1");

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private final FakeFlows flows = this.cdp.api().flows();

	/** The cache's clock, moved by hand. */
	private final AtomicLong ticker = new AtomicLong();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(SitecoreCdpAutoConfiguration.class, SitecoreCdpFlowsAutoConfiguration.class))
		.withConfiguration(AutoConfigurations.of(BootLine.metricsAutoConfigurations()))
		.withPropertyValues("sitecore.cdp.base-url=" + this.cdp.baseUrl(),
				"sitecore.cdp.realtime.client-key=" + FakeFlows.CLIENT_KEY, "sitecore.cdp.realtime.point-of-sale=shop",
				"sitecore.cdp.realtime.currency=EUR", "sitecore.cdp.flows.deadline=5s",
				"sitecore.cdp.flows.cache.flows=banner");

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	private FlowClient client(String... cachedFlows) {
		RealtimeSettings settings = new RealtimeSettings(this.cdp.baseUrl(), FakeFlows.CLIENT_KEY, "shop",
				Channel.WEB, "EN", "EUR");
		return new FlowClient(WebClient.create(), settings, Duration.ofSeconds(5), 1000, Duration.ofSeconds(10),
				System::nanoTime, FlowListener.NONE,
				new CaffeineFlowDecisionCache(List.of(cachedFlows), Duration.ofSeconds(30), 100, this.ticker::get));
	}

	@Test
	void whenACachedFlowIsCalledAgainThenTheFakeSeesOneCallAndTheHitIsCounted() {
		this.flows.answer("banner", "{\"title\":\"sale\"}");
		this.contextRunner.run((context) -> {
			FlowClient client = context.getBean(FlowClient.class);
			for (int i = 0; i < 3; i++) {
				assertThat(client.callFlowBlocking("banner", VISITOR, Map.of("page", "home"), Offer.class,
						Offer.DEFAULT))
					.isEqualTo(new Offer("sale"));
			}
			assertThat(this.flows.callCount("banner")).isOne();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("sitecore.cdp.flows.cache.hits").tag("flow", "banner").counter().count())
				.isEqualTo(2);
			assertThat(registry.get("sitecore.cdp.flows.calls").tag("flow", "banner").timer().count()).isOne();
		});
	}

	@Test
	void whenAFlowIsNotNamedThenEachCallReachesTheFake() {
		this.flows.answer("offer", "{\"title\":\"personal\"}");
		this.contextRunner.run((context) -> {
			FlowClient client = context.getBean(FlowClient.class);
			client.callFlowBlocking("offer", VISITOR, Map.of(), Offer.class, Offer.DEFAULT);
			client.callFlowBlocking("offer", VISITOR, Map.of(), Offer.class, Offer.DEFAULT);
			assertThat(this.flows.callCount("offer")).isEqualTo(2);
		});
	}

	@Test
	void whenTheTtlPassesThenTheFlowIsCalledAgain() {
		this.flows.answer("banner", "{\"title\":\"sale\"}");
		FlowClient client = client("banner");
		client.callFlowBlocking("banner", VISITOR, Map.of(), Offer.class, Offer.DEFAULT);
		this.ticker.addAndGet(Duration.ofSeconds(29).toNanos());
		client.callFlowBlocking("banner", VISITOR, Map.of(), Offer.class, Offer.DEFAULT);
		assertThat(this.flows.callCount("banner")).isOne();
		this.flows.answer("banner", "{\"title\":\"new sale\"}");
		this.ticker.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(client.callFlowBlocking("banner", VISITOR, Map.of(), Offer.class, Offer.DEFAULT))
			.isEqualTo(new Offer("new sale"));
		assertThat(this.flows.callCount("banner")).isEqualTo(2);
	}

	@Test
	void whenTheIdentityOrParamsDifferThenEachIsItsOwnEntry() {
		this.flows.answer("banner", "{\"title\":\"sale\"}");
		FlowClient client = client("banner");
		client.callFlowBlocking("banner", VISITOR, Map.of("page", "home"), Offer.class, Offer.DEFAULT);
		client.callFlowBlocking("banner", FlowIdentity.ofBrowser("b-2"), Map.of("page", "home"), Offer.class,
				Offer.DEFAULT);
		client.callFlowBlocking("banner", FlowIdentity.ofEmail("ann@example.com"), Map.of("page", "home"),
				Offer.class, Offer.DEFAULT);
		client.callFlowBlocking("banner", VISITOR, Map.of("page", "cart"), Offer.class, Offer.DEFAULT);
		client.callFlowBlocking("banner", VISITOR, Map.of(), Offer.class, Offer.DEFAULT);
		assertThat(this.flows.callCount("banner")).isEqualTo(5);
		// The same five again: each is kept.
		client.callFlowBlocking("banner", VISITOR, Map.of("page", "home"), Offer.class, Offer.DEFAULT);
		client.callFlowBlocking("banner", FlowIdentity.ofBrowser("b-2"), Map.of("page", "home"), Offer.class,
				Offer.DEFAULT);
		client.callFlowBlocking("banner", FlowIdentity.ofEmail("ann@example.com"), Map.of("page", "home"),
				Offer.class, Offer.DEFAULT);
		client.callFlowBlocking("banner", VISITOR, Map.of("page", "cart"), Offer.class, Offer.DEFAULT);
		client.callFlowBlocking("banner", VISITOR, Map.of(), Offer.class, Offer.DEFAULT);
		assertThat(this.flows.callCount("banner")).isEqualTo(5);
	}

	@Test
	void whenAFlowFallsBackThenTheFallbackIsNotCached() {
		this.flows.answer("banner", "{\"title\":\"sale\"}").failNext("banner", 2, 503);
		FlowClient client = client("banner");
		// 503, retried at once, 503 again: the fallback.
		assertThat(client.callFlowBlocking("banner", VISITOR, Map.of(), Offer.class, Offer.DEFAULT))
			.isEqualTo(Offer.DEFAULT);
		assertThat(client.callFlowBlocking("banner", VISITOR, Map.of(), Offer.class, Offer.DEFAULT))
			.isEqualTo(new Offer("sale"));
		assertThat(client.callFlowBlocking("banner", VISITOR, Map.of(), Offer.class, Offer.DEFAULT))
			.isEqualTo(new Offer("sale"));
		assertThat(this.flows.callCount("banner")).isEqualTo(3);
	}

	@Test
	void whenCaffeineIsMissingThenDecisionsAreNotCachedAndCallsStillWork() {
		this.flows.answer("banner", "{\"title\":\"sale\"}");
		this.contextRunner.withClassLoader(new FilteredClassLoader(Caffeine.class)).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(FlowDecisionCache.class);
			FlowClient client = context.getBean(FlowClient.class);
			client.callFlowBlocking("banner", VISITOR, Map.of(), Offer.class, Offer.DEFAULT);
			assertThat(client.callFlowBlocking("banner", VISITOR, Map.of(), Offer.class, Offer.DEFAULT))
				.isEqualTo(new Offer("sale"));
			assertThat(this.flows.callCount("banner")).isEqualTo(2);
		});
	}

	@Test
	void whenNoFlowIsNamedThenThereIsNoCache() {
		this.contextRunner.withPropertyValues("sitecore.cdp.flows.cache.flows=")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FlowDecisionCache.class));
	}

	@Test
	void whenTheTtlIsZeroThenStartupIsRefusedNamingTheProperty() {
		this.contextRunner.withPropertyValues("sitecore.cdp.flows.cache.ttl=0s", "sitecore.cdp.flows.cache.max-size=0")
			.run((context) -> assertThat(context.getStartupFailure())
				.hasStackTraceContaining("sitecore.cdp.flows.cache.ttl is 0s, but must be longer than zero")
				.hasStackTraceContaining("sitecore.cdp.flows.cache.max-size is 0, but must be at least 1"));
	}

}

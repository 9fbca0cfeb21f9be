package io.github.sitecorecdp.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.sitecorecdp.fake.FakeFlows;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.flows.FlowClient;
import io.github.sitecorecdp.flows.FlowFallbackReason;
import io.github.sitecorecdp.flows.FlowIdentity;
import io.github.sitecorecdp.flows.FlowListener;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the auto-configured flow client reports each call: an application's
 * {@link FlowListener} bean hears every outcome, and each fallback is one WARN line naming
 * the flow and the reason, never the visitor.
 */
@ExtendWith(OutputCaptureExtension.class)
class FlowOutcomeReportingTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String EMAIL = "ada.lovelace@example.com";

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private final List<String> heard = new CopyOnWriteArrayList<>();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(SitecoreCdpAutoConfiguration.class, SitecoreCdpFlowsAutoConfiguration.class))
		.withBean(FlowListener.class,
				() -> (friendlyId, elapsed, reason) -> this.heard.add(friendlyId + "=" + reason))
		.withPropertyValues("sitecore.cdp.base-url=" + this.cdp.baseUrl(),
				"sitecore.cdp.realtime.client-key=" + FakeFlows.CLIENT_KEY, "sitecore.cdp.realtime.point-of-sale=shop",
				"sitecore.cdp.realtime.currency=EUR", "sitecore.cdp.flows.deadline=5s");

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	@Test
	void whenFlowsAreCalledThenTheApplicationsListenerHearsEveryOutcome() {
		this.cdp.api().flows().answer("offer", "{\"title\":\"hello\"}").failNext("banner", 1, 400);
		this.contextRunner.run((context) -> {
			FlowClient client = context.getBean(FlowClient.class);
			client.callFlowBlocking("offer", FlowIdentity.ofBrowser("b-1"), Map.of(), Map.class, Map.of());
			client.callFlowBlocking("banner", FlowIdentity.ofBrowser("b-1"), Map.of(), Map.class, Map.of());
		});
		assertThat(this.heard).containsExactly("offer=null", "banner=" + FlowFallbackReason.REFUSED);
	}

	@Test
	void whenTheApplicationsListenerThrowsACheckedExceptionThenCallsStillAnswerDecisionsAndFallbacks() {
		this.cdp.api().flows().answer("offer", "{\"title\":\"hello\"}").failNext("banner", 1, 400);
		FlowListener throwing = new FlowListener() {

			@Override
			public void onCall(String friendlyId, Duration elapsed, @Nullable FlowFallbackReason reason) {
				throw FlowOutcomeReportingTests.<RuntimeException>sneaky(new Exception("listener broke"));
			}

			@Override
			public void onCacheHit(String friendlyId) {
				throw FlowOutcomeReportingTests.<RuntimeException>sneaky(new Exception("listener broke"));
			}

		};
		this.contextRunner.withBean("throwingFlowListener", FlowListener.class, () -> throwing)
			.withPropertyValues("sitecore.cdp.flows.cache.flows=offer")
			.run((context) -> {
				FlowClient client = context.getBean(FlowClient.class);
				for (int i = 0; i < 2; i++) {
					// The second call is answered from the cache: its listener call throws too.
					assertThat(client.callFlow("offer", FlowIdentity.ofBrowser("b-1"), Map.of(), Map.class, Map.of())
						.block(TIMEOUT)).isEqualTo(Map.of("title", "hello"));
				}
				assertThat(client.callFlow("banner", FlowIdentity.ofBrowser("b-1"), Map.of(), Map.class,
						Map.of("fallback", true)).block(TIMEOUT)).isEqualTo(Map.of("fallback", true));
			});
		assertThat(this.cdp.api().flows().callCount("offer")).isOne();
	}

	@SuppressWarnings("unchecked")
	private static <T extends Throwable> T sneaky(Throwable ex) throws T {
		throw (T) ex;
	}

	@Test
	void whenACallFallsBackThenOneWarningNamesTheFlowAndReasonButNotTheVisitor(CapturedOutput output) {
		this.cdp.api().flows().failNext("banner", 1, 400);
		this.contextRunner.run((context) -> context.getBean(FlowClient.class)
			.callFlowBlocking("banner", FlowIdentity.ofEmail(EMAIL), Map.of("page", "home"), Map.class, Map.of()));
		assertThat(output.getOut().lines().filter((line) -> line.contains("Flow banner fell back"))).singleElement()
			.asString()
			.contains("WARN")
			.contains("(REFUSED)");
		assertThat(output.getAll()).doesNotContain(EMAIL).doesNotContain("ada.lovelace");
	}

}

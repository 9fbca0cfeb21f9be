package io.github.sitecorecdp.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.sitecorecdp.fake.FakeFlows;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.flows.FlowClient;
import io.github.sitecorecdp.flows.FlowFallbackReason;
import io.github.sitecorecdp.flows.FlowIdentity;
import io.github.sitecorecdp.flows.FlowListener;
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

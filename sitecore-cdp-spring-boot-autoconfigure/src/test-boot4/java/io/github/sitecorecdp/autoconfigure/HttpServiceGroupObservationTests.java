package io.github.sitecorecdp.autoconfigure;

import java.time.Duration;

import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.HttpServiceGroup;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An HTTP service group named like a registration records {@code http.client.requests}
 * like {@code cdpWebClient} does, with only a servlet web starter and actuator: no Boot
 * client module configures the group's builder then, so the starter hands it the
 * application's observation registry.
 */
class HttpServiceGroupObservationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final FakeTokenEndpoint tokens = FakeTokenEndpoint.start()
		.credentials("cdp-key", "cdp-secret")
		.addClient("personalize-key", "personalize-secret", FakeTokenEndpoint.AUDIENCE, "personalize.flows:r");

	private final FakeCdpApi api = FakeCdpApi.start(this.tokens).stub("/**", EchoPath::json);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(BootLine.observationAutoConfigurations()))
		.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
		.withUserConfiguration(Services.class)
		.withPropertyValues("sitecore.cdp.api-key=cdp-key", "sitecore.cdp.api-secret=cdp-secret",
				"sitecore.cdp.token-uri=" + this.tokens.uri(), "sitecore.cdp.base-url=" + this.api.baseUrl(),
				"sitecore.cdp.clients.personalize.api-key=personalize-key",
				"sitecore.cdp.clients.personalize.api-secret=personalize-secret");

	@AfterEach
	void stop() {
		this.api.close();
		this.tokens.close();
	}

	@Test
	void whenARestClientGroupOfARegistrationCallsThenTheCallIsObserved() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(FlowDefinitions.class).list()).contains("/v3/flowDefinitions");
			Timer timer = context.getBean(MeterRegistry.class).get("http.client.requests").timer();
			assertThat(timer.count()).isEqualTo(1);
			assertThat(timer.getId().getTag("uri")).isEqualTo("/v3/flowDefinitions");
		});
	}

	@Test
	void whenAWebClientGroupOfARegistrationCallsThenTheCallIsObserved() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(ReactiveFlowDefinitions.class).list().block(TIMEOUT))
				.contains("/v3/flowDefinitions");
			Timer timer = context.getBean(MeterRegistry.class).get("http.client.requests").timer();
			assertThat(timer.count()).isEqualTo(1);
			assertThat(timer.getId().getTag("uri")).isEqualTo("/v3/flowDefinitions");
		});
	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "personalize", types = FlowDefinitions.class)
	@ImportHttpServices(group = "personalize", types = ReactiveFlowDefinitions.class,
			clientType = HttpServiceGroup.ClientType.WEB_CLIENT)
	static class Services {

	}

	interface FlowDefinitions {

		@GetExchange("/v3/flowDefinitions")
		String list();

	}

	interface ReactiveFlowDefinitions {

		@GetExchange("/v3/flowDefinitions")
		Mono<String> list();

	}

}

package io.github.sitecorecdp.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import io.github.sitecorecdp.testsupport.BootLine;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One environment refreshed into a second context after its properties changed, as
 * Spring Cloud's restart endpoint does after {@code /actuator/env} or a config server
 * changed them: the second context is configured from the properties it starts with, not
 * from what the first one saw.
 */
class RestartedEnvironmentTests {

	private final Map<String, Object> properties = new HashMap<>(Map.of("sitecore.cdp.clients.edge.api-key",
			"edge-key", "sitecore.cdp.clients.edge.api-secret", "edge-secret", "sitecore.cdp.clients.edge.base-url",
			"https://edge.example.com"));

	private final StandardEnvironment environment = new StandardEnvironment();

	RestartedEnvironmentTests() {
		this.environment.getPropertySources().addFirst(new MapPropertySource("application", this.properties));
	}

	@Test
	void whenTheDefaultRegistrationIsAddedBeforeARestartThenTheRestartedContextHasCdpWebClient() {
		contextRunner().run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("cdpWebClient"));
		this.properties.put("sitecore.cdp.api-key", "cdp-key");
		this.properties.put("sitecore.cdp.api-secret", "cdp-secret");
		contextRunner().run((context) -> assertThat(context).hasNotFailed().hasBean("cdpWebClient"));
	}

	@Test
	void whenTheDefaultRegistrationIsRemovedBeforeARestartThenTheRestartedContextStartsWithoutIt() {
		this.properties.put("sitecore.cdp.api-key", "cdp-key");
		this.properties.put("sitecore.cdp.api-secret", "cdp-secret");
		contextRunner().run((context) -> assertThat(context).hasNotFailed().hasBean("cdpWebClient"));
		this.properties.remove("sitecore.cdp.api-key");
		this.properties.remove("sitecore.cdp.api-secret");
		contextRunner().run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("cdpWebClient"));
	}

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner(() -> {
			AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
			context.setEnvironment(this.environment);
			return context;
		}).withConfiguration(AutoConfigurations.of(BootLine.webClientAutoConfiguration(),
				BootLine.restClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class));
	}

}

package io.github.sitecorecdp.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint.ConfigurationPropertiesBeanDescriptor;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API secret stays masked in Actuator's {@code /env} and {@code /configprops}, even
 * with {@code show-values=always}.
 */
class SitecoreCdpActuatorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
				EnvironmentEndpointAutoConfiguration.class, ConfigurationPropertiesReportEndpointAutoConfiguration.class,
				SitecoreCdpAutoConfiguration.class, SitecoreCdpActuatorAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.api-key=visible-key", "sitecore.cdp.api-secret=s3cr3t",
				"sitecore.cdp.proxy.host=proxy.example.com", "sitecore.cdp.proxy.port=3128",
				"sitecore.cdp.proxy.password=pr0xy",
				"management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always",
				"management.endpoints.web.exposure.include=*");

	@Test
	void whenValuesAreShownThenEnvMasksTheSecretButNotTheKey() {
		this.contextRunner.run((context) -> {
			EnvironmentEndpoint env = context.getBean(EnvironmentEndpoint.class);
			assertThat(env.environmentEntry("sitecore.cdp.api-secret").getProperty().getValue()).isEqualTo("******");
			assertThat(env.environmentEntry("sitecore.cdp.api-key").getProperty().getValue()).isEqualTo("visible-key");
			assertThat(env.environmentEntry("sitecore.cdp.proxy.password").getProperty().getValue())
				.isEqualTo("******");
		});
	}

	@Test
	void whenValuesAreShownThenConfigpropsMasksTheSecretButNotTheKey() {
		this.contextRunner.run((context) -> {
			ConfigurationPropertiesReportEndpoint endpoint = context.getBean(ConfigurationPropertiesReportEndpoint.class);
			Map<String, Object> properties = endpoint.configurationPropertiesWithPrefix("sitecore.cdp")
				.getContexts()
				.values()
				.stream()
				.flatMap((beans) -> beans.getBeans().values().stream())
				.map(ConfigurationPropertiesBeanDescriptor::getProperties)
				.findFirst()
				.orElseThrow();
			assertThat(properties).containsEntry("apiSecret", "******").containsEntry("apiKey", "visible-key");
		});
	}

	@Test
	void whenValuesAreShownThenEnvMasksTheSecretsOfNamedRegistrations() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.clients.personalize.api-key=personalize-key",
					"sitecore.cdp.clients.personalize.api-secret=p3rs0nalize")
			.run((context) -> {
				EnvironmentEndpoint env = context.getBean(EnvironmentEndpoint.class);
				assertThat(env.environmentEntry("sitecore.cdp.clients.personalize.api-secret").getProperty().getValue())
					.isEqualTo("******");
				assertThat(env.environmentEntry("sitecore.cdp.clients.personalize.api-key").getProperty().getValue())
					.isEqualTo("personalize-key");
			});
	}

}

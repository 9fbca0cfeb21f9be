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
 * Every secret the starter binds (the API secret, a named registration's API secret, the
 * proxy password, the Batch API token) is masked in Actuator's {@code /env} and
 * {@code /configprops} even with {@code show-values=always}, while the values beside them
 * stay visible.
 */
class ActuatorMaskingPromiseTests {

	private static final Map<String, String> SECRETS = Map.of("sitecore.cdp.api-secret", "s3cr3t-api",
			"sitecore.cdp.clients.personalize.api-secret", "s3cr3t-named", "sitecore.cdp.proxy.password",
			"s3cr3t-proxy", "sitecore.cdp.basic-auth.api-token", "s3cr3t-batch");

	private static final Map<String, String> VISIBLE = Map.of("sitecore.cdp.api-key", "visible-key",
			"sitecore.cdp.clients.personalize.api-key", "visible-named-key", "sitecore.cdp.proxy.username",
			"visible-proxy-user", "sitecore.cdp.basic-auth.client-key", "visible-client-key");

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
				EnvironmentEndpointAutoConfiguration.class, ConfigurationPropertiesReportEndpointAutoConfiguration.class,
				SitecoreCdpAutoConfiguration.class, SitecoreCdpActuatorAutoConfiguration.class))
		.withPropertyValues(properties())
		.withPropertyValues("sitecore.cdp.proxy.host=proxy.example.com", "sitecore.cdp.proxy.port=3128",
				"management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always",
				"management.endpoints.web.exposure.include=*");

	@Test
	void whenValuesAreShownThenEnvMasksEverySecretAndShowsTheRest() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			EnvironmentEndpoint env = context.getBean(EnvironmentEndpoint.class);
			SECRETS.keySet()
				.forEach((name) -> assertThat(env.environmentEntry(name).getProperty().getValue()).as(name)
					.isEqualTo("******"));
			VISIBLE.forEach((name, value) -> assertThat(env.environmentEntry(name).getProperty().getValue()).as(name)
				.isEqualTo(value));
		});
	}

	@Test
	void whenValuesAreShownThenConfigpropsMasksEverySecretAndShowsTheRest() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			ConfigurationPropertiesReportEndpoint endpoint = context.getBean(ConfigurationPropertiesReportEndpoint.class);
			String report = endpoint.configurationPropertiesWithPrefix("sitecore.cdp")
				.getContexts()
				.values()
				.stream()
				.flatMap((beans) -> beans.getBeans().values().stream())
				.map(ConfigurationPropertiesBeanDescriptor::getProperties)
				.toList()
				.toString();
			assertThat(report).contains(VISIBLE.values());
			SECRETS.values().forEach((secret) -> assertThat(report).doesNotContain(secret));
			// One mask per secret: apiSecret, the named apiSecret, password, apiToken.
			assertThat(report.split("\\*\\*\\*\\*\\*\\*", -1)).hasSizeGreaterThanOrEqualTo(SECRETS.size() + 1);
		});
	}

	private static String[] properties() {
		return java.util.stream.Stream.concat(SECRETS.entrySet().stream(), VISIBLE.entrySet().stream())
			.map((entry) -> entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
	}

}

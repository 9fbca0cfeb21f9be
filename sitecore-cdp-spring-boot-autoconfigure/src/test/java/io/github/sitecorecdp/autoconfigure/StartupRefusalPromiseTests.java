package io.github.sitecorecdp.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.github.sitecorecdp.autoconfigure.StartupRefusals.refused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The refusals of "What is refused at startup" that no other test shows: the proxy port,
 * registration names, and the Redis store's settings. Each report names the property.
 */
class StartupRefusalPromiseTests {

	private final ApplicationContextRunner configured = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=s3cr3t");

	@Test
	void whenTheProxyHostIsSetWithoutAPortThenStartupFailsNamingTheProxyPort() {
		this.configured.withPropertyValues("sitecore.cdp.proxy.host=proxy.example.com")
			.run(refused((analysis) -> assertThat(analysis.getDescription()).contains("sitecore.cdp.proxy.port")));
	}

	@Test
	void whenTheProxyPortIsOutOfRangeThenStartupFailsNamingIt() {
		this.configured.withPropertyValues("sitecore.cdp.proxy.host=proxy.example.com", "sitecore.cdp.proxy.port=70000")
			.run(refused((analysis) -> assertThat(analysis.getDescription()).contains("sitecore.cdp.proxy.port")));
	}

	@Test
	void whenARegistrationNameHasAnUpperCaseLetterThenStartupFailsNamingIt() {
		this.configured
			.withPropertyValues("sitecore.cdp.clients.Personalize.api-key=k",
					"sitecore.cdp.clients.Personalize.api-secret=s")
			.run(refused((analysis) -> assertThat(analysis.getDescription()).containsIgnoringCase("personalize")
				.contains("sitecore.cdp.clients")));
	}

	@Test
	void whenARegistrationNameHasAnUnderscoreThenStartupFailsNamingIt() {
		this.configured
			.withPropertyValues("sitecore.cdp.clients.xm_cloud.api-key=k", "sitecore.cdp.clients.xm_cloud.api-secret=s")
			.run(refused((analysis) -> assertThat(analysis.getDescription()).contains("xm_cloud")));
	}

	@Test
	void whenTheStoreIsRedisWithoutAConnectionFactoryThenStartupFailsNamingTheStore() {
		this.configured.withPropertyValues("sitecore.cdp.token.store=redis")
			.run(refused((analysis) -> assertThat(analysis.getDescription() + analysis.getAction())
				.contains("sitecore.cdp.token.store")
				.contains("RedisConnectionFactory")));
	}

}

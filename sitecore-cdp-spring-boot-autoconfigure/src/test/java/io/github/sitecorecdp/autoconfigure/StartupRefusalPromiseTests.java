package io.github.sitecorecdp.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

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

	@Test
	void whenTheRedisKeyPrefixIsEmptyThenStartupFailsNamingIt() {
		this.configured.withPropertyValues("sitecore.cdp.token.store=redis", "sitecore.cdp.token.redis.key-prefix=")
			.run(refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.token.redis.key-prefix is empty")));
	}

	@Test
	void whenTheRedisTimeoutIsZeroThenStartupFailsNamingIt() {
		this.configured.withPropertyValues("sitecore.cdp.token.store=redis", "sitecore.cdp.token.redis.timeout=0s")
			.run(refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.token.redis.timeout")));
	}

	@Test
	void whenTheRedisTimeoutIsBelowAMillisecondThenStartupFailsNamingIt() {
		this.configured.withPropertyValues("sitecore.cdp.token.store=redis", "sitecore.cdp.token.redis.timeout=500us")
			.run(refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.token.redis.timeout")));
	}

	@Test
	void whenTheRedisTimeoutIsLongerThanAMinuteThenStartupFailsNamingIt() {
		this.configured.withPropertyValues("sitecore.cdp.token.store=redis", "sitecore.cdp.token.redis.timeout=61s")
			.run(refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.token.redis.timeout")));
	}

	@Test
	void whenTheStoreIsRedisWithTwoConnectionFactoriesThenStartupFailsNamingTheStore() {
		this.configured.withPropertyValues("sitecore.cdp.token.store=redis")
			.withBean("firstRedis", RedisConnectionFactory.class, LettuceConnectionFactory::new)
			.withBean("secondRedis", RedisConnectionFactory.class, LettuceConnectionFactory::new)
			.run(refused((analysis) -> assertThat(analysis.getDescription() + analysis.getAction())
				.contains("sitecore.cdp.token.store")
				.contains("no (single) Redis connection")
				.contains("one RedisConnectionFactory bean")));
	}

}

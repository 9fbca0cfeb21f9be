package io.github.sitecorecdp.token.redis;

import io.github.sitecorecdp.actuate.SitecoreCdpHealthCheck;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.RealRedis;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenStore;
import io.github.sitecorecdp.token.CdpTokenStoreState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sitecore.cdp.token.store=redis} as an application sets it: Boot's Redis
 * connection from {@code spring.data.redis.*}, a real Redis.
 */
class RedisTokenStoreAutoConfigurationTests {

	private static RealRedis redis;

	private final FakeTokenEndpoint tokens = FakeTokenEndpoint.start()
		.addClient("personalize-key", "personalize-secret", FakeTokenEndpoint.AUDIENCE, "personalize.flows:r");

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(BootLine.redisAutoConfiguration(), BootLine.webClientAutoConfiguration(),
				SitecoreCdpAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.api-key=" + this.tokens.apiKey(),
				"sitecore.cdp.api-secret=" + this.tokens.apiSecret(), "sitecore.cdp.token-uri=" + this.tokens.uri());

	@BeforeAll
	static void startRedis() {
		redis = RealRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@BeforeEach
	void flush() {
		redis.flush();
	}

	@AfterEach
	void stop() {
		this.tokens.close();
	}

	@Test
	void whenTheStoreIsRedisThenTwoApplicationsShareOneTokenThroughBootsRedisConnection() {
		ApplicationContextRunner shared = this.contextRunner.withPropertyValues("sitecore.cdp.token.store=redis")
			.withPropertyValues(redis.springProperties());
		shared.run((first) -> shared.run((second) -> {
			assertThat(first).hasSingleBean(RedisTokenStore.class);
			String token = first.getBean(CdpAccessTokenManager.class).obtainToken().getTokenValue();
			assertThat(second.getBean(CdpAccessTokenManager.class).obtainToken().getTokenValue()).isEqualTo(token);
			assertThat(this.tokens.requestCount()).isEqualTo(1);
			assertThat(first.getBean(CdpAccessTokenManager.class).status().store())
				.isEqualTo(new CdpTokenStoreState("redis", true, null));
		}));
	}

	@Test
	void whenTheApplicationHasATokenStoreOfItsOwnThenItIsUsed() {
		CdpTokenStore own = (registration, endpoint, policy) -> endpoint;
		this.contextRunner.withPropertyValues("sitecore.cdp.token.store=redis")
			.withPropertyValues(redis.springProperties())
			.withBean(CdpTokenStore.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(RedisTokenStore.class);
				assertThat(context.getBean(CdpTokenStore.class)).isSameAs(own);
			});
	}

	@Test
	void whenTheStoreIsNotSetThenTokensStayInMemoryEvenWithRedisAtHand() {
		this.contextRunner.withPropertyValues(redis.springProperties()).run((context) -> {
			assertThat(context).doesNotHaveBean(RedisTokenStore.class);
			context.getBean(CdpAccessTokenManager.class).obtainToken();
			assertThat(context.getBean(CdpAccessTokenManager.class).status().store())
				.isEqualTo(CdpTokenStoreState.IN_MEMORY);
			assertThat(redis.entries()).isEmpty();
		});
	}

	@Test
	void whenTheStoreIsRedisWithoutSpringDataRedisThenStartupFailsNamingTheProperty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.withPropertyValues("sitecore.cdp.token.store=redis")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sitecore.cdp.token.store is redis, but Spring Data Redis is not on the classpath"));
	}

	@Test
	void whenTheStoreIsRedisWithoutARedisConnectionThenStartupFailsNamingTheProperty() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(BootLine.webClientAutoConfiguration(),
					SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret",
					"sitecore.cdp.token.store=redis")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sitecore.cdp.token.store is redis, but the application has no (single) Redis "
						+ "connection"));
	}

	@Test
	void whenNamedRegistrationsShareTheStoreThenEachHasAnEntryOfItsOwn() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.token.store=redis", "sitecore.cdp.clients.personalize.api-key=personalize-key",
					"sitecore.cdp.clients.personalize.api-secret=personalize-secret")
			.withPropertyValues(redis.springProperties())
			.run((context) -> {
				String cdp = context.getBean(CdpAccessTokenManager.class).obtainToken().getTokenValue();
				String personalize = context.getBean(io.github.sitecorecdp.autoconfigure.CdpClients.class)
					.tokenManager("personalize")
					.obtainToken()
					.getTokenValue();
				assertThat(cdp).isNotEqualTo(personalize);
				assertThat(redis.entries().keySet().stream().filter((key) -> key.matches("sitecore-cdp:token:[0-9a-f]{32}")))
					.hasSize(2);
			});
	}

	@Test
	void whenRedisIsUnavailableThenHealthStaysUpAndSaysTheInstanceGetsItsOwnTokens() {
		this.contextRunner.withPropertyValues("sitecore.cdp.token.store=redis", "sitecore.cdp.token.redis.timeout=200ms",
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + unusedPort(),
				"spring.data.redis.connect-timeout=200ms")
			.run((context) -> {
				CdpAccessTokenManager manager = context.getBean(CdpAccessTokenManager.class);
				assertThat(manager.obtainToken()).isNotNull();
				SitecoreCdpHealthCheck.Result health = new SitecoreCdpHealthCheck(manager).check();
				assertThat(health.up()).isTrue();
				assertThat(health.details().get("tokenStore")).asString()
					.startsWith("redis unavailable (")
					.endsWith("this instance gets its own tokens");
			});
	}

	private static int unusedPort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}


}

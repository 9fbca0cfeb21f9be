package io.github.sitecorecdp.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter takes its clock from a {@code sitecoreCdpClock} bean, so that a test moves
 * the starter's token timeline and a day of token lifetime passes instantly.
 */
class ClockInjectionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

	private FakeTokenEndpoint tokenEndpoint;

	private FakeCdpApi api;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void startServers() {
		this.tokenEndpoint = FakeTokenEndpoint.start()
			.credentials("test-key", "test-secret")
			.tokenValues((n) -> "token-" + n)
			.tokenLifetime(Duration.ofDays(1));
		this.api = FakeCdpApi.start(this.tokenEndpoint).stub("/**", EchoPath::json);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(BootLine.webClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=test-key", "sitecore.cdp.api-secret=test-secret",
					"sitecore.cdp.token-uri=" + this.tokenEndpoint.uri(), "sitecore.cdp.base-url=" + this.api.baseUrl());
	}

	@AfterEach
	void stopServers() {
		this.tokenEndpoint.close();
		this.api.close();
	}

	@Test
	void whenASitecoreCdpClockBeanIsDefinedThenItGovernsTokenLifetimes() {
		this.contextRunner.withBean(SitecoreCdpAutoConfiguration.CLOCK_BEAN_NAME, Clock.class, () -> this.clock)
			.withBean("otherClock", Clock.class, Clock::systemUTC)
			.run(this::aDayPassesInstantly);
	}

	@Test
	void whenTheApplicationHasAClockBeanOfAnotherNameThenTheSystemClockIsUsed() {
		// An application's own clock is often fixed in tests: taken for tokens, it would
		// freeze every backoff and expiry.
		this.contextRunner.withBean("applicationClock", Clock.class, () -> this.clock).run((context) -> {
			CdpAccessTokenManager manager = context.getBean(CdpAccessTokenManager.class);
			manager.getToken().block(TIMEOUT);
			assertThat(manager.status().tokenExpiresAt()).isAfter(Instant.now().plus(Duration.ofHours(23)));
		});
	}

	private void aDayPassesInstantly(ApplicationContext context) {
		WebClient client = context.getBean("cdpWebClient", WebClient.class);
		call(client);
		this.clock.advance(Duration.ofDays(1).minusMinutes(2));
		call(client);
		// The refresh is stored in the background: wait for the manager, not the server.
		CdpAccessTokenManager manager = context.getBean(CdpAccessTokenManager.class);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(manager.status().tokenExpiresAt())
				.isEqualTo(this.clock.instant().plus(Duration.ofDays(1))));
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
	}

	private static void call(WebClient client) {
		client.get().uri("/v2/ping").retrieve().toBodilessEntity().block(TIMEOUT);
	}

}

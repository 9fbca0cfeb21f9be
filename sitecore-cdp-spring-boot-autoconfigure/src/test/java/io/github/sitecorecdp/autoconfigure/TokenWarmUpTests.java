package io.github.sitecorecdp.autoconfigure;

import java.time.Duration;

import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sitecore.cdp.token.warm-up-on-startup}: off by default, and when on, a background
 * fetch that never blocks or fails startup.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenWarmUpTests {

	private FakeTokenEndpoint tokenEndpoint;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() {
		this.tokenEndpoint = FakeTokenEndpoint.start().credentials("key", "secret").tokenValues((n) -> "token-" + n);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret",
					"sitecore.cdp.token-uri=" + this.tokenEndpoint.uri());
	}

	@AfterEach
	void stop() {
		this.tokenEndpoint.close();
	}

	@Test
	void whenNotEnabledThenNoTokenIsFetchedAtStartup() throws InterruptedException {
		this.contextRunner.run((context) -> {
			ready(context);
			Thread.sleep(300);
		});
		assertThat(this.tokenEndpoint.requestCount()).isZero();
	}

	@Test
	void whenEnabledThenTheFirstTokenIsFetchedInTheBackground() {
		this.tokenEndpoint.delayTokenResponses(Duration.ofMillis(1000));
		this.contextRunner.withPropertyValues("sitecore.cdp.token.warm-up-on-startup=true").run((context) -> {
			CdpAccessTokenManager tokenManager = context.getBean(CdpAccessTokenManager.class);
			ready(context);
			// Startup went on while the token endpoint is still answering.
			assertThat(tokenManager.status().hasValidToken()).isFalse();
			await().atMost(Duration.ofSeconds(10)).until(() -> tokenManager.status().hasValidToken());
			assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenEnabledAndTheEndpointFailsThenStartupGoesOnAndTheLogSaysWhy(CapturedOutput output) {
		this.tokenEndpoint.failTokenRequests(503, "{}");
		this.contextRunner.withPropertyValues("sitecore.cdp.token.warm-up-on-startup=true").run((context) -> {
			ready(context);
			assertThat(context).hasNotFailed();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> output.toString().contains("Warm-up could not get a Sitecore CDP access token"));
		});
	}

	private static void ready(AssertableApplicationContext context) {
		context.publishEvent(new ApplicationReadyEvent(new SpringApplication(), new String[0],
				context.getSourceApplicationContext(), Duration.ZERO));
	}

}

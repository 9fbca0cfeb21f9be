package io.github.sitecorecdp.actuate;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpActuatorAutoConfiguration;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.BootLine.HealthView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health states of the {@code sitecoreCdp} contributor for each failure, and what polling
 * costs the token endpoint.
 */
class SitecoreCdpHealthIndicatorTests {

	private FakeTokenEndpoint tokenEndpoint;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() {
		this.tokenEndpoint = FakeTokenEndpoint.start()
			.credentials("key", "s3cr3t")
			.tokenValues((n) -> "health-token-" + n);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class,
					SitecoreCdpActuatorAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=s3cr3t",
					"sitecore.cdp.token-uri=" + this.tokenEndpoint.uri());
	}

	@AfterEach
	void stop() {
		this.tokenEndpoint.close();
	}

	@Test
	void whenATokenCanBeHadThenUpWithItsFingerprintAndExpiry() {
		this.contextRunner.run((context) -> {
			HealthView health = health(context);
			assertThat(health.status()).isEqualTo("UP");
			assertThat(health.details()).containsKeys("token", "tokenExpiresAt");
			assertThat(health.details().get("token").toString()).hasSize(8);
			assertNoSecrets(health.details());
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void whenThereAreSeveralRegistrationsThenEachShowsAndOneDownMakesTheWholeDown() {
		this.tokenEndpoint.addClient("edge-key", "edge-secret", FakeTokenEndpoint.AUDIENCE, "e");
		this.contextRunner
			.withPropertyValues("sitecore.cdp.clients.edge.api-key=edge-key",
					"sitecore.cdp.clients.edge.api-secret=edge-secret", "sitecore.cdp.clients.xm.api-key=xm-key",
					"sitecore.cdp.clients.xm.api-secret=wrong")
			.run((context) -> {
				HealthView health = health(context);
				assertThat(health.status()).isEqualTo("DOWN");
				assertThat(health.details()).containsOnlyKeys("default", "edge", "xm");
				assertThat((Map<String, Object>) health.details().get("edge")).containsEntry("status", "UP")
					.containsKey("token");
				assertThat((Map<String, Object>) health.details().get("xm")).containsEntry("status", "DOWN")
					.containsEntry("reason", "credentials rejected");
				assertThat((Map<String, Object>) health.details().get("default")).containsEntry("status", "UP");
				assertNoSecrets(health.details());
			});
	}

	@Test
	void whenSeveralRegistrationsNeedATokenThenTheCheckAsksForAllAtOnce() {
		this.tokenEndpoint.addClient("a-key", "a-secret", FakeTokenEndpoint.AUDIENCE, "a")
			.addClient("b-key", "b-secret", FakeTokenEndpoint.AUDIENCE, "b")
			.delayTokenResponses(Duration.ofSeconds(2));
		this.contextRunner
			.withPropertyValues("sitecore.cdp.clients.a.api-key=a-key", "sitecore.cdp.clients.a.api-secret=a-secret",
					"sitecore.cdp.clients.b.api-key=b-key", "sitecore.cdp.clients.b.api-secret=b-secret")
			.run((context) -> {
				CompletableFuture<HealthView> check = CompletableFuture.supplyAsync(() -> health(context));
				// One after another, the second request could not start before 2 s.
				await().atMost(Duration.ofMillis(1500)).until(() -> this.tokenEndpoint.requestCount() == 3);
				assertThat(check.get(10, TimeUnit.SECONDS).status()).isEqualTo("UP");
			});
	}

	@Test
	@SuppressWarnings("unchecked")
	void whenTheOnlyRegistrationIsNamedThenItShowsUnderItsName() {
		this.tokenEndpoint.addClient("edge-key", "edge-secret", FakeTokenEndpoint.AUDIENCE, "e");
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class,
					SitecoreCdpActuatorAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.token-uri=" + this.tokenEndpoint.uri(),
					"sitecore.cdp.clients.edge.api-key=edge-key", "sitecore.cdp.clients.edge.api-secret=edge-secret")
			.run((context) -> assertThat((Map<String, Object>) health(context).details().get("edge"))
				.containsEntry("status", "UP"));
	}

	@Test
	void whenPolledRepeatedlyWithAValidTokenThenNoFurtherTokenRequests() {
		this.contextRunner.run((context) -> {
			for (int i = 0; i < 20; i++) {
				assertThat(health(context).status()).isEqualTo("UP");
			}
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
	}

	@Test
	void whenCredentialsAreRejectedThenDownWithThatReason() {
		this.tokenEndpoint.failTokenRequests(401, "{\"error\":\"access_denied\"}");
		this.contextRunner.run((context) -> {
			HealthView health = health(context);
			assertThat(health.status()).isEqualTo("DOWN");
			assertThat(health.details()).containsEntry("reason", "credentials rejected")
				.containsKey("backingOffUntil");
			assertThat(health.details().get("error").toString()).contains("sitecore.cdp.api-secret");
			assertNoSecrets(health.details());
		});
	}

	@Test
	void whenTheTokenEndpointIsDownThenDownAndPollingStaysWithinTheBackoff() {
		this.tokenEndpoint.failTokenRequests(503, "{}");
		this.contextRunner.run((context) -> {
			for (int i = 0; i < 20; i++) {
				HealthView health = health(context);
				assertThat(health.status()).isEqualTo("DOWN");
				assertThat(health.details()).containsEntry("reason", "token endpoint answered 503")
					.containsEntry("failedAttempts", 1)
					.containsKey("backingOffUntil");
			}
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
	}

	@Test
	void whenTheTokenEndpointCannotBeReachedThenDownAsUnreachable() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		this.contextRunner.withPropertyValues("sitecore.cdp.token-uri=http://127.0.0.1:" + closedPort + "/oauth/token")
			.run((context) -> assertThat(health(context).details()).containsEntry("reason", "token endpoint unreachable")
				.containsKey("backingOffUntil"));
	}

	@Test
	void whenTheTokenEndpointRefusesTheRequestThenDownNamingItsStatus() {
		this.tokenEndpoint.failTokenRequests(400, "{\"error\":\"invalid_request\"}");
		this.contextRunner.run((context) -> {
			HealthView health = health(context);
			assertThat(health.status()).isEqualTo("DOWN");
			assertThat(health.details()).containsEntry("reason", "token endpoint answered 400");
			assertThat(health.details().get("error").toString()).contains("sitecore.cdp.token-uri");
		});
	}

	@Test
	void whenTheTokenEndpointAnswersWithoutATokenThenDownAsAnEndpointError() {
		this.tokenEndpoint.failTokenRequests(200, "<html>sign in</html>");
		this.contextRunner.run((context) -> assertThat(health(context).details())
			.containsEntry("reason", "token endpoint error"));
	}

	@Test
	void whenDisabledThroughTheUsualPropertyThenThereIsNoContributor() {
		this.contextRunner.withPropertyValues("management.health.sitecore-cdp.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("sitecoreCdpHealthIndicator"));
	}

	private static HealthView health(AssertableApplicationContext context) {
		return BootLine.health(context);
	}

	private static void assertNoSecrets(Map<String, Object> details) {
		assertThat(details.toString()).doesNotContain("s3cr3t").doesNotContain("edge-secret").doesNotContain("health-token-");
	}

}

package io.github.sitecorecdp.web;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.testsupport.EchoPath;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one real-time check of refresh ahead: short-lived tokens and a slow token endpoint,
 * under steady traffic. With 4-second tokens the refresh window is 2 s and the expiry
 * margin 0.4 s, so a refresh that takes 0.6 s always lands before the token goes stale.
 */
class RefreshAheadInRealTimeTests {

	@Test
	void whenTokensLiveFourSecondsAndTheEndpointTakes600msThenNoCallWaitsAndNoneIsRejected() throws Exception {
		// The fake API refuses tokens once they have expired, by the real clock.
		try (FakeTokenEndpoint tokenEndpoint = FakeTokenEndpoint.start()
			.credentials("key", "secret")
			.tokenLifetime(Duration.ofSeconds(4))
			.delayTokenResponses(Duration.ofMillis(600));
				FakeCdpApi api = FakeCdpApi.start(tokenEndpoint).stub("/**", EchoPath::json)) {
			new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
				.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret",
						"sitecore.cdp.token-uri=" + tokenEndpoint.uri(), "sitecore.cdp.base-url=" + api.baseUrl())
				.run((context) -> {
					CdpAccessTokenManager manager = context.getBean(CdpAccessTokenManager.class);
					WebClient client = context.getBean("cdpWebClient", WebClient.class);
					int waits = 0;
					long start = System.nanoTime();
					for (int i = 0; i < 100; i++) {
						CompletableFuture<OAuth2AccessToken> token = manager.getToken().toFuture();
						if (i > 0 && !token.isDone()) {
							waits++;
						}
						client.get().uri("/v2/tick/{i}", i).retrieve().toBodilessEntity().block(Duration.ofSeconds(5));
						long next = start + (i + 1) * 100_000_000L;
						Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
					}
					assertThat(waits).as("calls after the first that waited for a token").isZero();
				});
			assertThat(api.requestCount()).isEqualTo(100);
			assertThat(api.requests()).as("API calls answered 401").noneMatch((request) -> request.status() == 401);
			assertThat(tokenEndpoint.requestCount()).as("token requests in 10 s of 4-second tokens").isBetween(4, 8);
		}
	}

}

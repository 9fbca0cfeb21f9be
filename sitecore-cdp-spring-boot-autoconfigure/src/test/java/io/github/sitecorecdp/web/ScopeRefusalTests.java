package io.github.sitecorecdp.web;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.testsupport.BootLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A 401 that says it is not about the token ({@code WWW-Authenticate: Bearer
 * error="insufficient_scope"}, RFC 6750 section 3.1) leaves the token in service: no
 * replay, no new token, however long it goes on.
 */
class ScopeRefusalTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

	private final AtomicInteger apiCalls = new AtomicInteger();

	private FakeTokenEndpoint tokenEndpoint;

	private DisposableServer api;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() {
		this.tokenEndpoint = FakeTokenEndpoint.start(this.clock).credentials("test-key", "test-secret");
		this.api = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> {
				this.apiCalls.incrementAndGet();
				return response.status(401)
					.header("WWW-Authenticate", "Bearer realm=\"cdp\", error=\"insufficient_scope\", "
							+ "error_description=\"The key has no scope for this API\"")
					.header("Content-Length", "0")
					.send();
			})
			.bindNow();
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(BootLine.webClientAutoConfiguration(),
					BootLine.restClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class))
			.withBean(SitecoreCdpAutoConfiguration.CLOCK_BEAN_NAME, MutableClock.class, () -> this.clock)
			.withPropertyValues("sitecore.cdp.api-key=test-key", "sitecore.cdp.api-secret=test-secret",
					"sitecore.cdp.token-uri=" + this.tokenEndpoint.uri(),
					"sitecore.cdp.base-url=http://127.0.0.1:" + this.api.port());
	}

	@AfterEach
	void stop() {
		this.tokenEndpoint.close();
		this.api.disposeNow();
	}

	@Test
	void whenTheApiAnswersInsufficientScopeThenWebClientKeepsTheTokenAndDoesNotReplay() {
		this.contextRunner.run((context) -> {
			WebClient client = context.getBean("cdpWebClient", WebClient.class);
			for (int i = 0; i < 5; i++) {
				assertThatExceptionOfType(WebClientResponseException.Unauthorized.class)
					.isThrownBy(() -> client.get().uri("/v2/guests").retrieve().toBodilessEntity().block(TIMEOUT));
				// Past every backoff step of refused tokens.
				this.clock.advance(Duration.ofSeconds(31));
			}
		});
		assertThat(this.apiCalls).hasValue(5);
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
	}

	@Test
	void whenTheApiAnswersInsufficientScopeThenRestClientKeepsTheTokenAndDoesNotReplay() {
		this.contextRunner.run((context) -> {
			RestClient client = context.getBean("cdpRestClient", RestClient.class);
			for (int i = 0; i < 5; i++) {
				assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class)
					.isThrownBy(() -> client.get().uri("/v2/guests").retrieve().toBodilessEntity());
				this.clock.advance(Duration.ofSeconds(31));
			}
		});
		assertThat(this.apiCalls).hasValue(5);
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
	}

}

package io.github.sitecorecdp.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.testsupport.BootLine;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The body of a 401 is released before the replay, and a body that never ends (a byte
 * every 300 ms, inside the response timeout) must not hold the call.
 */
class TrickledUnauthorizedTests {

	private final AtomicInteger apiCalls = new AtomicInteger();

	private FakeTokenEndpoint tokenEndpoint;

	private DisposableServer api;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() {
		this.tokenEndpoint = FakeTokenEndpoint.start().credentials("test-key", "test-secret");
		this.api = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> {
			if (this.apiCalls.incrementAndGet() == 1) {
				return response.status(401)
					.header("Content-Type", "text/plain")
					.send(Flux.interval(Duration.ofMillis(300))
						.map((tick) -> Unpooled.wrappedBuffer("x".getBytes(StandardCharsets.UTF_8))), (b) -> true);
			}
			return response.status(200)
				.header("Content-Type", "application/json")
				.sendString(Mono.just("{\"ok\":true}"));
		}).bindNow();
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(BootLine.webClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=test-key", "sitecore.cdp.api-secret=test-secret",
					"sitecore.cdp.token-uri=" + this.tokenEndpoint.uri(),
					"sitecore.cdp.base-url=http://127.0.0.1:" + this.api.port(), "sitecore.cdp.response-timeout=1s");
	}

	@AfterEach
	void stop() {
		this.tokenEndpoint.close();
		this.api.disposeNow();
	}

	@Test
	void whenTheBodyOfA401NeverEndsThenTheReplayIsStillSentWithinSeconds() {
		this.contextRunner.run((context) -> {
			WebClient client = context.getBean("cdpWebClient", WebClient.class);
			long started = System.nanoTime();
			String body = client.get().uri("/v2/guests").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
			assertThat(body).contains("ok");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
		});
		assertThat(this.apiCalls).hasValue(2);
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
	}

}

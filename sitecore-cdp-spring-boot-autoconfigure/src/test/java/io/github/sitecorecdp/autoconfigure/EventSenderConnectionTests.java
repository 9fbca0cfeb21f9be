package io.github.sitecorecdp.autoconfigure;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.github.sitecorecdp.events.CdpEvent;
import io.github.sitecorecdp.events.CdpEventSender;
import io.github.sitecorecdp.events.Identifier;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configured event sender's connection: none of the application's WebClient
 * filters or observations sees an event's address, and {@code sitecore.cdp.*}'s
 * connection settings still apply.
 */
class EventSenderConnectionTests {

	private HttpServer server;

	private final AtomicInteger events = new AtomicInteger();

	private final CountDownLatch release = new CountDownLatch(1);

	private volatile boolean stall;

	@BeforeEach
	void start() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
		this.server.createContext("/v1.2/browser/create.json", (exchange) -> {
			byte[] body = "{\"ref\":\"b-1\"}".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.server.createContext("/v1.2/event/create.json", (exchange) -> {
			this.events.incrementAndGet();
			if (this.stall) {
				try {
					this.release.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			byte[] body = "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(201, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.server.start();
	}

	@AfterEach
	void stop() {
		this.release.countDown();
		this.server.stop(0);
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class,
					SitecoreCdpEventsAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret",
					"sitecore.cdp.base-url=http://127.0.0.1:" + this.server.getAddress().getPort(),
					"sitecore.cdp.realtime.point-of-sale=shop", "sitecore.cdp.realtime.currency=EUR",
					"sitecore.cdp.realtime.client-key=ck");
	}

	@Test
	void whenTheApplicationObservesAndFiltersItsWebClientsThenNoEventAddressReachesThem() {
		List<String> filtered = new CopyOnWriteArrayList<>();
		List<String> observed = new CopyOnWriteArrayList<>();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {

			@Override
			public void onStart(Observation.Context context) {
				observed.add(context.getName());
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		runner().withBean(ObservationRegistry.class, () -> registry)
			.withBean(WebClient.Builder.class, () -> WebClient.builder().observationRegistry(registry).filter((request, next) -> {
				filtered.add(request.url().toString());
				return next.exchange(request);
			}))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CdpEventSender sender = context.getBean(CdpEventSender.class);
				assertThat(sender.send("visitor", CdpEvent.identity("/login", Identifier.of("ann@example.com", "email")))).isTrue();
				assertThat(sender.flush(Duration.ofSeconds(10)).completed()).isTrue();
				assertThat(sender.sentCount()).isEqualTo(1);
				assertThat(this.events).hasValue(1);
				assertThat(filtered).noneMatch((url) -> url.contains("create.json"));
				assertThat(observed).noneMatch((name) -> name.startsWith("http.client"));
			});
	}

	@Test
	void whenTheResponseTimeoutIsSetThenAnEventCallThatGetsNoAnswerEndsWithinIt() {
		this.stall = true;
		runner().withPropertyValues("sitecore.cdp.response-timeout=300ms", "sitecore.cdp.retry.max-attempts=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CdpEventSender sender = context.getBean(CdpEventSender.class);
				long start = System.nanoTime();
				assertThat(sender.send("visitor", CdpEvent.view("/p"))).isTrue();
				assertThat(sender.flush(Duration.ofSeconds(5)).completed()).isTrue();
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
				assertThat(sender.failedCount()).isEqualTo(1);
			});
	}

}

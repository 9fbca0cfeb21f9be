package io.github.sitecorecdp.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import io.github.sitecorecdp.token.CdpTokenEndpointUnreachableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The token call's own timeouts: {@code token.connect-timeout} bounds the connection,
 * and the whole request never takes longer than both timeouts together, even when the
 * endpoint keeps sending a byte now and then.
 */
class TokenTimeoutPromiseTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private FakeTokenEndpoint tokenEndpoint;

	private FakeCdpApi api;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void startServers() {
		this.tokenEndpoint = FakeTokenEndpoint.start().credentials("test-key", "test-secret");
		this.api = FakeCdpApi.start(this.tokenEndpoint).stub("/**", EchoPath::json);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(BootLine.webClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=test-key", "sitecore.cdp.api-secret=test-secret",
					"sitecore.cdp.base-url=" + this.api.baseUrl());
	}

	@AfterEach
	void stopServers() {
		this.tokenEndpoint.close();
		this.api.close();
	}

	@Test
	void whenTheTokenEndpointDoesNotAcceptTheConnectionThenTheCallFailsAfterTheConnectTimeout() throws IOException {
		// A listening socket whose accept queue is full: further connection attempts are
		// neither accepted nor refused, as with a host that drops packets.
		try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			List<Socket> queued = fillAcceptQueue(full);
			try {
				this.contextRunner
					.withPropertyValues("sitecore.cdp.token-uri=http://127.0.0.1:" + full.getLocalPort() + "/oauth/token",
							"sitecore.cdp.token.connect-timeout=500ms", "sitecore.cdp.token.response-timeout=10s")
					.run((context) -> {
						WebClient client = context.getBean("cdpWebClient", WebClient.class);
						long start = System.nanoTime();
						assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> get(client))
							.havingCause()
							.isInstanceOf(CdpTokenEndpointUnreachableException.class)
							.withMessageContaining("could not be reached")
							.withMessageContaining("connection timed out");
						// Long before the overall bound (10.5 s) or the watchdog (11.5 s).
						assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
					});
			}
			finally {
				for (Socket socket : queued) {
					socket.close();
				}
			}
		}
		assertThat(this.api.requestCount()).isZero();
	}

	@Test
	void whenTheTokenEndpointTricklesItsAnswerThenTheRequestEndsAfterBothTimeoutsTogether() throws IOException {
		CountDownLatch stop = new CountDownLatch(1);
		HttpServer trickling = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		trickling.createContext("/oauth/token", (exchange) -> {
			exchange.getRequestBody().readAllBytes();
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, 0);
			try (OutputStream body = exchange.getResponseBody()) {
				// A byte every 200 ms: no single read waits as long as the response timeout.
				while (!stop.await(200, TimeUnit.MILLISECONDS)) {
					body.write(' ');
					body.flush();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (IOException ex) {
				// The client gave up and closed the connection.
			}
		});
		trickling.start();
		try {
			this.contextRunner
				.withPropertyValues(
						"sitecore.cdp.token-uri=http://127.0.0.1:" + trickling.getAddress().getPort() + "/oauth/token",
						"sitecore.cdp.token.connect-timeout=300ms", "sitecore.cdp.token.response-timeout=500ms")
				.run((context) -> {
					WebClient client = context.getBean("cdpWebClient", WebClient.class);
					long start = System.nanoTime();
					assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> get(client))
						.havingCause()
						.isInstanceOf(CdpTokenEndpointUnreachableException.class)
						.withMessageContaining("did not answer within PT0.8S");
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(800))
						.isLessThan(Duration.ofMillis(1_800));
				});
		}
		finally {
			stop.countDown();
			trickling.stop(0);
		}
		assertThat(this.api.requestCount()).isZero();
	}

	private static List<Socket> fillAcceptQueue(ServerSocket server) {
		List<Socket> queued = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			Socket socket = new Socket();
			try {
				socket.connect(server.getLocalSocketAddress(), 200);
				queued.add(socket);
			}
			catch (IOException ex) {
				// The queue is full: this attempt hangs, as the client's will.
				try {
					socket.close();
				}
				catch (IOException ignored) {
					// Nothing to release.
				}
				return queued;
			}
		}
		return queued;
	}

	private static String get(WebClient client) {
		return client.get().uri("/v2/ping").retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

}

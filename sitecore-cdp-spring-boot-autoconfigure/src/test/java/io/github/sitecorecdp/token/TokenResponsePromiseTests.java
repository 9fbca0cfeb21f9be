package io.github.sitecorecdp.token;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import org.junit.jupiter.api.Test;

import org.springframework.http.codec.FormHttpMessageWriter;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How the token response is read: without any JSON codec of the WebClient, and no further
 * than its first 64 KiB.
 */
class TokenResponsePromiseTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void whenTheWebClientHasNoJsonCodecThenTheTokenResponseIsStillRead() {
		// Only what the request needs: a form writer. No reader at all, JSON or other.
		WebClient formOnly = WebClient.builder().codecs((codecs) -> {
			codecs.registerDefaults(false);
			codecs.customCodecs().register(new FormHttpMessageWriter());
		}).build();
		try (FakeTokenEndpoint tokenEndpoint = FakeTokenEndpoint.start()
			.credentials("key", "s3cr3t")
			.tokenValues((n) -> "token-" + n)) {
			CdpTokenEndpointClient client = new CdpTokenEndpointClient("key", "s3cr3t", tokenEndpoint.uri(),
					"https://api.sitecorecloud.io", formOnly, TIMEOUT, Clock.systemUTC());
			assertThat(client.requestToken().block(TIMEOUT).getTokenValue()).isEqualTo("token-1");
		}
	}

	@Test
	void whenTheResponseGoesOnPast64KiBThenItIsJudgedWithoutWaitingForTheRest() throws IOException {
		CountDownLatch release = new CountDownLatch(1);
		HttpServer endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		endpoint.createContext("/oauth/token", (exchange) -> {
			exchange.getRequestBody().readAllBytes();
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, 0);
			try (OutputStream body = exchange.getResponseBody()) {
				body.write(("{\"access_token\":\"" + "a".repeat(70 * 1024)).getBytes(StandardCharsets.US_ASCII));
				body.flush();
				// The rest of the body never comes while the test runs.
				release.await(20, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (IOException ex) {
				// The client closed the connection: what it should do.
			}
		});
		endpoint.start();
		try {
			URI tokenUri = URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/oauth/token");
			CdpTokenEndpointClient client = new CdpTokenEndpointClient("key", "s3cr3t", tokenUri,
					"https://api.sitecorecloud.io", WebClient.create(), TIMEOUT, Clock.systemUTC());
			long start = System.nanoTime();
			assertThatExceptionOfType(CdpTokenException.class).isThrownBy(() -> client.requestToken().block(TIMEOUT))
				.withMessageContaining("over 64 KiB");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		}
		finally {
			release.countDown();
			endpoint.stop(0);
		}
	}

}

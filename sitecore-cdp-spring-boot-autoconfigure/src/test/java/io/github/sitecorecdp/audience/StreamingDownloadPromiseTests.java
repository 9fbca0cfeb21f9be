package io.github.sitecorecdp.audience;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An export file is streamed: its first records reach the caller while the file host
 * still withholds the rest, so a file is never held whole in memory.
 */
class StreamingDownloadPromiseTests {

	/** More than any read buffer on the way holds (about 280 KB). */
	private static final int FIRST = 6_000;

	private static final int REST = 20_000;

	private final CountDownLatch firstRecordsConsumed = new CountDownLatch(1);

	private final AtomicBoolean restSent = new AtomicBoolean();

	private HttpServer fileHost;

	@BeforeEach
	void startFileHost() throws IOException {
		this.fileHost = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.fileHost.createContext("/exports/0.jsonl", (exchange) -> {
			exchange.sendResponseHeaders(200, 0);
			try (OutputStream body = exchange.getResponseBody()) {
				body.write(lines(0, FIRST));
				body.flush();
				try {
					// Withholds the rest until the caller has the first records, or gives up
					// (and the test fails) after a while.
					this.firstRecordsConsumed.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				this.restSent.set(true);
				body.write(lines(FIRST, REST));
			}
		});
		this.fileHost.start();
	}

	@AfterEach
	void stopFileHost() {
		this.fileHost.stop(0);
	}

	@Test
	void whenTheFileHostWithholdsTheRestThenTheFirstRecordsArriveAlready() {
		AudienceExportClient client = new AudienceExportClient(WebClient.create(), WebClient.create(),
				Clock.systemUTC(), 1000);
		String url = "http://127.0.0.1:" + this.fileHost.getAddress().getPort() + "/exports/0.jsonl";
		AudienceExportOutput output = new AudienceExportOutput("exec-1", "aud", "aud", "key", null, 1, 1L,
				List.of(new ExportFile(url, 1L, "add")));
		AtomicInteger seen = new AtomicInteger();
		AtomicBoolean restSentBeforeTheFirstRecords = new AtomicBoolean(true);
		List<ExportRecord> records = client.download(output).doOnNext((record) -> {
			if (seen.incrementAndGet() == 3) {
				restSentBeforeTheFirstRecords.set(this.restSent.get());
				this.firstRecordsConsumed.countDown();
			}
		}).collectList().block(Duration.ofSeconds(20));
		assertThat(restSentBeforeTheFirstRecords).as("rest of the file sent before the first records arrived")
			.isFalse();
		assertThat(records).hasSize(FIRST + REST);
		assertThat(records.get(0).json()).isEqualTo(line(0));
		assertThat(records.get(FIRST + REST - 1).json()).isEqualTo(line(FIRST + REST - 1));
	}

	private static byte[] lines(int from, int count) {
		StringBuilder lines = new StringBuilder();
		for (int i = from; i < from + count; i++) {
			lines.append(line(i)).append('\n');
		}
		return lines.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static String line(int i) {
		return "{\"guest\":" + i + ",\"email\":\"guest" + i + "@example.com\"}";
	}

}

package io.github.sitecorecdp.events;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.github.sitecorecdp.realtime.Channel;
import io.github.sitecorecdp.realtime.RealtimeSettings;
import io.github.sitecorecdp.retry.RetryListener;
import io.github.sitecorecdp.retry.RetryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drops are logged at WARN at most once per {@code drop-log-interval}, each line counting
 * the drops since the one before: a full queue under load must not flood the log. The
 * interval runs on the sender's own monotonic clock, moved by the test.
 */
@ExtendWith(OutputCaptureExtension.class)
class CdpEventSenderDropLogTests {

	private static final Duration INTERVAL = Duration.ofMinutes(1);

	private final AtomicLong nanos = new AtomicLong();

	private CdpEventSender sender;

	@AfterEach
	void stop() {
		if (this.sender != null) {
			this.sender.stop();
		}
	}

	@Test
	void whenEventsAreDroppedThenOneWarningPerIntervalCountsThemAll(CapturedOutput output) {
		// Nothing listens there: the two accepted events are retried for a minute and keep
		// the queue full, so every later send is dropped.
		this.sender = sender(URI.create("http://127.0.0.1:9"), 2);
		int accepted = sendAll(20);
		assertThat(accepted).isEqualTo(2);
		assertThat(dropLines(output)).containsExactly("Dropped 1 event(s)");
		this.nanos.addAndGet(INTERVAL.minusSeconds(1).toNanos());
		sendAll(6);
		assertThat(dropLines(output)).hasSize(1);
		// The next report is due now: from the next drop, or the worker's next turn.
		this.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
		awaitDropLines(output, 2);
		assertThat(dropLines(output)).containsExactly("Dropped 1 event(s)", "Dropped 23 event(s)");
		assertThat(this.sender.droppedCount()).isEqualTo(24);
	}

	@Test
	void whenDropsStopThenTheLastOnesAreStillReportedOnceTheIntervalHasPassed(CapturedOutput output) {
		// A burst that fills the queue and ends: no later drop comes to trigger the report.
		this.sender = sender(URI.create("http://127.0.0.1:9"), 2);
		sendAll(20);
		assertThat(dropLines(output)).containsExactly("Dropped 1 event(s)");
		this.nanos.addAndGet(INTERVAL.toNanos());
		awaitDropLines(output, 2);
		assertThat(dropLines(output)).containsExactly("Dropped 1 event(s)", "Dropped 17 event(s)");
		assertThat(output.getOut()).contains("the latest because the queue holds 2 events");
	}

	@Test
	void whenTheSenderStopsThenDropsNotYetReportedAreLogged(CapturedOutput output) {
		this.sender = sender(URI.create("http://127.0.0.1:9"), 2);
		sendAll(20);
		this.sender.stop();
		// The 17 drops of the burst after the first, within the interval, reported on stop.
		// The two accepted events fail (their retries run out) or are abandoned by the stop:
		// either way they are counted once, and not as drops of the queue.
		assertThat(dropLines(output)).containsExactly("Dropped 1 event(s)", "Dropped 17 event(s)");
		assertThat(this.sender.droppedCount() + this.sender.failedCount()).isEqualTo(20);
	}

	@Test
	void whenManyThreadsDropForSecondsThenTheReportsAddUpToEveryDropExactly(CapturedOutput output)
			throws InterruptedException {
		// The real monotonic clock and a 50 ms interval: reports race with drops, the worker's
		// turns and the stop, and their counts must still sum to the drop counter.
		this.sender = sender(URI.create("http://127.0.0.1:9"), 2, Duration.ofMillis(50), System::nanoTime);
		long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			Thread thread = new Thread(() -> {
				while (System.nanoTime() < end) {
					this.sender.send("visitor", CdpEvent.view("/p"));
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		long droppedBySend = this.sender.droppedCount();
		this.sender.stop();
		List<String> lines = dropLines(output);
		long reported = lines.stream()
			.mapToLong((line) -> Long.parseLong(line.substring("Dropped ".length(), line.indexOf(" event(s)"))))
			.sum();
		assertThat(lines.size()).isGreaterThan(10);
		assertThat(reported).isEqualTo(droppedBySend);
	}

	private static void awaitDropLines(CapturedOutput output, int count) {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (dropLines(output).size() < count && System.nanoTime() < deadline) {
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private int sendAll(int count) {
		int accepted = 0;
		for (int i = 0; i < count; i++) {
			if (this.sender.send("visitor-" + i, CdpEvent.view("/p"))) {
				accepted++;
			}
		}
		return accepted;
	}

	private static List<String> dropLines(CapturedOutput output) {
		return output.getOut()
			.lines()
			.filter((line) -> line.contains("Dropped ") && line.contains("WARN"))
			.map((line) -> line.substring(line.indexOf("Dropped "), line.indexOf(" event(s)") + " event(s)".length()))
			.toList();
	}

	private CdpEventSender sender(URI baseUrl, int capacity) {
		return sender(baseUrl, capacity, INTERVAL, this.nanos::get);
	}

	private CdpEventSender sender(URI baseUrl, int capacity, Duration interval, LongSupplier nanoTime) {
		RealtimeSettings realtime = new RealtimeSettings(baseUrl, "ck", "shop.example", Channel.WEB, "EN", "EUR");
		RetryPolicy retry = new RetryPolicy(
				new RetryPolicy.Settings(20, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMinutes(1)),
				RetryListener.NONE, Clock.systemUTC());
		CdpEventSender created = new CdpEventSender(WebClient.create(), realtime,
				new CaffeineBrowserRefStore(1000, Duration.ofMinutes(5)), retry,
				new CdpEventSender.Settings(capacity, 1_000_000, 1, Duration.ofSeconds(1), interval), nanoTime);
		created.start();
		return created;
	}

}

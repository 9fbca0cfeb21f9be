package io.github.sitecorecdp.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.sitecorecdp.events.CdpEvent;
import io.github.sitecorecdp.events.CdpEventSender;

/**
 * 10,000 queued events drain within 5 s on shutdown (issue 23). The auto-configured
 * {@code cdpEventSender} (defaults: 32 in flight, a queue of 10,000, 20 s shutdown
 * timeout) against the Stream API on loopback: the browser refs of 1,000 visitors are
 * created first (steady state), then the API is held ({@link BenchServer#holdStream()}:
 * requests received, answers kept back) while 10,000 events are enqueued, ten per
 * visitor, so that one visitor's events go in order, one at a time. Then the API is
 * released and the sender stopped, as Spring Boot's graceful shutdown stops it
 * ({@link CdpEventSender#stop()}, which returns once the queue drained). Timed on the
 * monotonic clock from the release to the end of {@code stop()}; every event is counted
 * at the server. A fresh application per round.
 */
public final class ShutdownDrain {

	static final int EVENTS = 10_000;

	static final int VISITORS = 1_000;

	static final int ROUNDS = 3;

	private ShutdownDrain() {
	}

	/**
	 * Print the table.
	 * @param args the rounds, default 3
	 */
	public static void main(String[] args) {
		System.out.println(markdown(run((args.length > 0) ? Integer.parseInt(args[0]) : ROUNDS)));
	}

	static List<Round> run(int rounds) {
		List<Round> results = new ArrayList<>();
		for (int round = 0; round < rounds; round++) {
			results.add(round());
		}
		return results;
	}

	private static Round round() {
		try (BenchServer server = new BenchServer(Clock.systemUTC());
				Clients.Realtime application = Clients.realtime(server, Map.of())) {
			CdpEventSender sender = application.sender();
			String[] keys = Clients.visitors(VISITORS);
			for (String key : keys) {
				sender.send(key, Clients.pageView());
			}
			if (!sender.flush(Duration.ofSeconds(30)).completed()) {
				throw new IllegalStateException("The browser refs were not created within 30 s");
			}
			long before = server.eventRequests();
			long sentBefore = sender.sentCount();
			server.holdStream();
			int accepted = 0;
			for (int i = 0; i < EVENTS; i++) {
				CdpEvent event = Clients.pageView();
				if (sender.send(keys[i % VISITORS], event)) {
					accepted++;
				}
			}
			long start = System.nanoTime();
			server.releaseStream();
			sender.stop();
			long elapsed = System.nanoTime() - start;
			return new Round(accepted, Duration.ofNanos(elapsed), server.eventRequests() - before,
					sender.sentCount() - sentBefore, sender.droppedCount(), sender.failedCount());
		}
	}

	static String markdown(List<Round> rounds) {
		StringBuilder out = new StringBuilder();
		out.append("| Round | events enqueued | drain on stop (ms) | received at the server | acknowledged (sent) "
				+ "| dropped | failed |\n");
		out.append("|---|---|---|---|---|---|---|\n");
		int n = 1;
		for (Round round : rounds) {
			out.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %d | %d | %d |%n", n++, round.accepted(),
					round.drain().toMillis(), round.received(), round.sent(), round.dropped(), round.failed()));
		}
		return out.toString();
	}

	/**
	 * One round.
	 *
	 * @param accepted events {@code send} accepted while the API was held
	 * @param drain from the release to the end of {@code stop()}
	 * @param received {@code event/create} requests the server received meanwhile
	 * @param sent events the sender counted acknowledged meanwhile
	 * @param dropped events the sender dropped since it started
	 * @param failed events that failed for good since it started
	 */
	record Round(int accepted, Duration drain, long received, long sent, long dropped, long failed) {

		boolean allArrived() {
			return this.accepted == EVENTS && this.received >= EVENTS && this.sent == EVENTS && this.dropped == 0
					&& this.failed == 0;
		}

	}

}

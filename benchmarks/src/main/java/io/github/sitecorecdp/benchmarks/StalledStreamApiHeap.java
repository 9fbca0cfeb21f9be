package io.github.sitecorecdp.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.github.sitecorecdp.events.CdpEventSender;

/**
 * A stalled Stream API keeps the heap flat (issue 23): the auto-configured
 * {@code cdpEventSender} (default queue: 10,000 events, 16 MB) sends to an API that never
 * answers ({@link BenchServer#stallStream()}: connections open, no answer), while one
 * thread per core sends page views as fast as it can for N seconds. Sampled before the
 * first send, at each quarter and after the last: sends attempted, accepted and dropped
 * (the sender's counter), the queue's depth and the used heap after a full GC. The queue
 * fills in the first milliseconds; from then on every send must be a counted drop, and
 * the heap must stay where the full queue put it.
 *
 * <p>
 * The starter's response timeout (30 s) ends a stalled call as a failure, which the retry
 * policy retries within its deadline; a run longer than that sees failed events make room
 * for new ones, the heap bounded all the same.
 */
public final class StalledStreamApiHeap {

	private StalledStreamApiHeap() {
	}

	/**
	 * Print the table.
	 * @param args the seconds to send for, default 30
	 */
	public static void main(String[] args) {
		Duration duration = Duration.ofSeconds((args.length > 0) ? Long.parseLong(args[0]) : 30);
		System.out.println(run(duration).markdown());
	}

	static Result run(Duration duration) {
		try (BenchServer server = new BenchServer(Clock.systemUTC())) {
			server.stallStream();
			// The drain on close would wait for the stalled API for the default 20 s.
			try (Clients.Realtime application = Clients.realtime(server,
					Map.of("sitecore.cdp.events.shutdown-timeout", "1s"))) {
				return run(application.sender(), duration);
			}
		}
	}

	private static Result run(CdpEventSender sender, Duration duration) {
		LongAdder attempted = new LongAdder();
		LongAdder accepted = new LongAdder();
		List<Sample> samples = new ArrayList<>();
		long start = System.nanoTime();
		samples.add(sample(start, sender, attempted, accepted));
		long end = start + duration.toNanos();
		String[] keys = Clients.visitors(10_000);
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < Runtime.getRuntime().availableProcessors(); t++) {
			Thread thread = new Thread(() -> {
				int i = 0;
				while (System.nanoTime() - end < 0) {
					attempted.increment();
					if (sender.send(keys[i++ % keys.length], Clients.pageView())) {
						accepted.increment();
					}
				}
			}, "stalled-sender-" + t);
			thread.start();
			threads.add(thread);
		}
		for (int quarter = 1; quarter < 4; quarter++) {
			sleepUntil(start + duration.toNanos() * quarter / 4);
			samples.add(sample(start, sender, attempted, accepted));
		}
		for (Thread thread : threads) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		samples.add(sample(start, sender, attempted, accepted));
		return new Result(samples, Runtime.getRuntime().availableProcessors());
	}

	private static Sample sample(long start, CdpEventSender sender, LongAdder attempted, LongAdder accepted) {
		long heap = usedHeapAfterGc();
		return new Sample((System.nanoTime() - start) / 1e9, attempted.sum(), accepted.sum(), sender.droppedCount(),
				sender.failedCount(), sender.queueDepth(), heap);
	}

	/**
	 * The heap's pools as the last collection left them, after a full one: what is live,
	 * not what is garbage yet to be collected.
	 */
	static long usedHeapAfterGc() {
		System.gc();
		System.gc();
		long used = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			MemoryUsage usage = pool.getCollectionUsage();
			if (pool.getType() == MemoryType.HEAP && usage != null) {
				used += usage.getUsed();
			}
		}
		return used;
	}

	private static void sleepUntil(long nanoTime) {
		long left;
		while ((left = nanoTime - System.nanoTime()) > 0) {
			try {
				Thread.sleep(Math.max(1, left / 1_000_000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	record Sample(double seconds, long attempted, long accepted, long dropped, long failed, int queueDepth,
			long heapAfterGc) {
	}

	record Result(List<Sample> samples, int threads) {

		Sample first() {
			return this.samples.get(0);
		}

		Sample last() {
			return this.samples.get(this.samples.size() - 1);
		}

		/** Whether every send that was not accepted was counted dropped. */
		boolean dropsCounted() {
			return last().attempted() - last().accepted() == last().dropped();
		}

		String markdown() {
			StringBuilder out = new StringBuilder();
			out.append(String.format(Locale.ROOT, "Stalled Stream API, %d sending threads, default queue (10,000 events, "
					+ "16 MB):%n%n", this.threads));
			out.append("| s | sends attempted | accepted | dropped (counter) | failed | queue depth | heap after GC (MB) |\n");
			out.append("|---|---|---|---|---|---|---|\n");
			for (Sample sample : this.samples) {
				out.append(String.format(Locale.ROOT, "| %.1f | %d | %d | %d | %d | %d | %.1f |%n", sample.seconds(),
						sample.attempted(), sample.accepted(), sample.dropped(), sample.failed(), sample.queueDepth(),
						sample.heapAfterGc() / 1048576.0));
			}
			out.append(String.format(Locale.ROOT,
					"%nHeap after GC, end − start: %+.1f MB; end − first quarter: %+.1f MB; "
							+ "attempted − accepted = dropped counter: %s%n",
					(last().heapAfterGc() - first().heapAfterGc()) / 1048576.0,
					(last().heapAfterGc() - this.samples.get(1).heapAfterGc()) / 1048576.0,
					dropsCounted() ? "yes" : "NO"));
			return out.toString();
		}

	}

}

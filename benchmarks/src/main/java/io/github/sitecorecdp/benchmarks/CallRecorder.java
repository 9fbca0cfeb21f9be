package io.github.sitecorecdp.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;

/**
 * What a measured iteration of a client-bound benchmark cost besides its throughput: the
 * CPU time of the client side per call (the process's CPU time less the server's event
 * loops, which share the JVM) and the 99th percentile of call latency. JMH's own results
 * carry calls per second and, with its GC profiler, bytes allocated per call; these two it
 * has no profiler for on this machine (no hardware counters), so each measured iteration
 * appends one line to {@link #RESULTS}, which {@link BenchmarkRunner} reads.
 */
final class CallRecorder {

	/** Tab-separated: benchmark, client, concurrency, server, calls, client CPU ns, p99 ns. */
	static final Path RESULTS = Path.of(System.getProperty("java.io.tmpdir"), "sitecore-cdp-client-bound.tsv");

	/** Enough for 3 s at 1,000,000 calls per second. */
	private static final int CAPACITY = 3_000_000;

	private final long[] latencies = new long[CAPACITY];

	private final AtomicInteger recorded = new AtomicInteger();

	/** Calls counted without a latency of their own (events acknowledged by a flush). */
	private final AtomicLong counted = new AtomicLong();

	private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

	private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();

	private final String benchmark;

	private final String client;

	private final int concurrency;

	private final String server;

	private final String serverThreadPrefix;

	private long cpuAtStart;

	/**
	 * @param benchmark the line's benchmark ({@code webclient}, {@code events} ...)
	 * @param client the client measured (the benchmark's {@code client} parameter)
	 * @param concurrency the calls in flight, or the calling threads
	 * @param server {@code canned} for {@link CannedApiServer}, {@code routed} for
	 * {@link BenchServer}: whose threads' CPU time is not the client's
	 */
	CallRecorder(String benchmark, String client, int concurrency, String server) {
		this.benchmark = benchmark;
		this.client = client;
		this.concurrency = concurrency;
		this.server = server;
		this.serverThreadPrefix = server.equals("canned") ? CannedApiServer.THREADS : BenchServer.THREADS;
	}

	void start() {
		this.recorded.set(0);
		this.counted.set(0);
		this.cpuAtStart = clientCpuNanos();
	}

	void record(long latencyNanos) {
		int index = this.recorded.getAndIncrement();
		if (index < CAPACITY) {
			this.latencies[index] = latencyNanos;
		}
	}

	/**
	 * Count calls whose latencies are not recorded, such as events acknowledged together
	 * by one flush; a line of such calls alone reports a p99 of 0.
	 * @param calls the calls
	 */
	void count(int calls) {
		this.counted.addAndGet(calls);
	}

	void finish() {
		long cpu = clientCpuNanos() - this.cpuAtStart;
		int calls = Math.min(this.recorded.get(), CAPACITY);
		long[] sorted = Arrays.copyOf(this.latencies, calls);
		Arrays.sort(sorted);
		long p99 = (calls > 0) ? sorted[Math.min(calls - 1, (int) Math.ceil(calls * 0.99) - 1)] : 0;
		String line = String.format(Locale.ROOT, "%s\t%s\t%d\t%s\t%d\t%d\t%d%n", this.benchmark, this.client,
				this.concurrency, this.server, calls + this.counted.get(), cpu, p99);
		try {
			Files.writeString(RESULTS, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot write " + RESULTS, ex);
		}
	}

	private long clientCpuNanos() {
		long server = 0;
		for (long id : this.threads.getAllThreadIds()) {
			java.lang.management.ThreadInfo info = this.threads.getThreadInfo(id);
			if (info != null && info.getThreadName().startsWith(this.serverThreadPrefix)) {
				long time = this.threads.getThreadCpuTime(id);
				server += Math.max(time, 0);
			}
		}
		return this.os.getProcessCpuTime() - server;
	}

}

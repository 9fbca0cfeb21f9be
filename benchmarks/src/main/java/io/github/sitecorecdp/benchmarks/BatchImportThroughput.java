package io.github.sitecorecdp.benchmarks;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import io.github.sitecorecdp.batch.BatchImportClient;
import io.github.sitecorecdp.batch.BatchImportListener;
import io.github.sitecorecdp.batch.BatchImportResult;
import io.github.sitecorecdp.batch.BatchMode;
import io.github.sitecorecdp.batch.BatchRecord;
import io.github.sitecorecdp.fake.FakeBatches;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * One million small guest records, end to end: written, gzipped, uploaded to the fake on
 * loopback and processed by it (in a JVM of its own; the client waits for it, so its
 * work counts in the time), against
 * the limit of only writing the same gzip JSON lines to disk. Run in a JVM of its own, with
 * the heap limit the target names ({@code -Xmx128m}): finishing at all proves the heap
 * bound; it prints records per second and the sum of the heap pools' peaks (an upper
 * bound of the peak heap).
 */
public final class BatchImportThroughput {

	private static final int WARM_UP = 50_000;

	private BatchImportThroughput() {
	}

	/**
	 * Run one measurement.
	 * @param args {@code limit} or {@code import}, then the number of records
	 * @throws IOException if a file cannot be written
	 */
	public static void main(String[] args) throws IOException {
		String mode = args[0];
		if (mode.equals("fake")) {
			serveFake();
			return;
		}
		int count = Integer.parseInt(args[1]);
		Path directory = Files.createTempDirectory("batch-bench");
		long[] started = new long[1];
		// Both sides first run a small import of their own, so that the timed run measures
		// the work rather than class loading and the first compilation, as in an
		// application that has been up for a while.
		long records = mode.equals("limit") ? writeOnly(WARM_UP, count, directory, started)
				: importAll(WARM_UP, count, directory, started);
		double seconds = (System.nanoTime() - started[0]) / 1e9;
		System.out.printf(java.util.Locale.ROOT, "RESULT %s records=%d seconds=%.2f recordsPerSecond=%.0f peakHeapMb=%.1f%n",
				mode, records, seconds, records / seconds, peakHeapMb());
		try (var files = Files.list(directory)) {
			files.forEach((file) -> file.toFile().delete());
		}
		Files.deleteIfExists(directory);
	}

	/** The limit: the same lines, gzipped to one file, nothing else. */
	private static long writeOnly(int warmUp, int count, Path directory, long[] started) throws IOException {
		write(records(warmUp), directory.resolve("warm-up.jsonl.gz"));
		Iterator<BatchRecord> records = records(count);
		started[0] = System.nanoTime();
		return write(records, directory.resolve("limit.jsonl.gz"));
	}

	private static long write(Iterator<BatchRecord> records, Path file) throws IOException {
		long written = 0;
		try (OutputStream out = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024),
				64 * 1024)) {
			while (records.hasNext()) {
				out.write((records.next().toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8));
				written++;
			}
		}
		return written;
	}

	/**
	 * The fake runs in a JVM of its own, as Sitecore runs apart from the application: its
	 * threads, heap and compilations then do not count as the client's. Its work still
	 * counts in the time, since the client waits for the batch's final status.
	 */
	private static long importAll(int warmUp, int count, Path directory, long[] started) throws IOException {
		Process fake = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
				"-cp", System.getProperty("java.class.path"), BatchImportThroughput.class.getName(), "fake", "0")
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		try {
			String baseUrl = new BufferedReader(new InputStreamReader(fake.getInputStream(), StandardCharsets.UTF_8))
				.readLine();
			if (baseUrl == null) {
				throw new IllegalStateException("The fake did not start");
			}
			return importAll(baseUrl, warmUp, count, directory, started);
		}
		finally {
			fake.destroy();
		}
	}

	/** Serves the fake until the parent closes this JVM's input. */
	private static void serveFake() throws IOException {
		try (FakeSitecoreCdp cdp = FakeSitecoreCdp.start()) {
			System.out.println(cdp.baseUrl());
			System.out.flush();
			while (System.in.read() >= 0) {
				// Wait.
			}
		}
	}

	private static long importAll(String baseUrl, int warmUp, int count, Path directory, long[] started) {
		WebClient batchApi = WebClient.builder()
			.baseUrl(baseUrl)
			.defaultHeaders((headers) -> headers.setBasicAuth(FakeBatches.CLIENT_KEY, FakeBatches.API_TOKEN))
			.build();
		BatchImportClient client = new BatchImportClient(batchApi, WebClient.create(),
				new BatchImportClient.Settings(50L * 1024 * 1024, directory, Duration.ofMillis(1),
						Duration.ofMillis(10), Duration.ofMinutes(10)),
				Clock.systemUTC(), phases(started));
		client.importRecords(() -> records(warmUp));
		// Timed from here: starting the fake is no part of an import.
		started[0] = System.nanoTime();
		BatchImportResult result = client.importRecords(() -> records(count));
		return result.records();
	}

	/** Prints when each phase of each file ended, in seconds since the start. */
	private static BatchImportListener phases(long[] started) {
		return new BatchImportListener() {

			@Override
			public void fileWritten(io.github.sitecorecdp.batch.BatchFile file) {
				phase("written", file.size());
			}

			@Override
			public void uploaded(java.util.UUID batchRef, io.github.sitecorecdp.batch.BatchFile file) {
				phase("uploaded", file.size());
			}

			@Override
			public void finished(io.github.sitecorecdp.batch.BatchResult result) {
				phase(result.status().name().toLowerCase(java.util.Locale.ROOT), result.size());
			}

			private void phase(String phase, long bytes) {
				if (started[0] == 0) {
					return;
				}
				System.out.printf(java.util.Locale.ROOT, "PHASE %s bytes=%d at=%.2f%n", phase, bytes,
						(System.nanoTime() - started[0]) / 1e9);
			}

		};
	}

	private static Iterator<BatchRecord> records(int count) {
		return IntStream.range(0, count)
			.mapToObj((n) -> BatchRecord.guest(BatchMode.UPSERT,
					"{\"email\":\"guest" + n + "@example.com\",\"firstName\":\"Guest\",\"externalId\":\""
							+ UUID.randomUUID() + "\"}"))
			.iterator();
	}

	private static double peakHeapMb() {
		long peak = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP) {
				peak += pool.getPeakUsage().getUsed();
			}
		}
		return peak / (1024.0 * 1024.0);
	}

}

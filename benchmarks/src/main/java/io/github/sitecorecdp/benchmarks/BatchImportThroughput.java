package io.github.sitecorecdp.benchmarks;

import java.io.BufferedOutputStream;
import java.io.IOException;
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
 * loopback and processed by it (in this JVM, so its work and memory count too), against
 * the limit of only writing the same gzip JSON lines to disk. Run in a JVM of its own, with
 * the heap limit the target names ({@code -Xmx128m}): finishing at all proves the heap
 * bound; it prints records per second and the sum of the heap pools' peaks (an upper
 * bound of the peak heap).
 */
public final class BatchImportThroughput {

	private BatchImportThroughput() {
	}

	/**
	 * Run one measurement.
	 * @param args {@code limit} or {@code import}, then the number of records
	 * @throws IOException if a file cannot be written
	 */
	public static void main(String[] args) throws IOException {
		String mode = args[0];
		int count = Integer.parseInt(args[1]);
		Path directory = Files.createTempDirectory("batch-bench");
		long[] started = new long[1];
		long records = mode.equals("limit") ? writeOnly(count, directory, started)
				: importAll(count, directory, started);
		double seconds = (System.nanoTime() - started[0]) / 1e9;
		System.out.printf(java.util.Locale.ROOT, "RESULT %s records=%d seconds=%.2f recordsPerSecond=%.0f peakHeapMb=%.1f%n",
				mode, records, seconds, records / seconds, peakHeapMb());
		try (var files = Files.list(directory)) {
			files.forEach((file) -> file.toFile().delete());
		}
		Files.deleteIfExists(directory);
	}

	/** The limit: the same lines, gzipped to one file, nothing else. */
	private static long writeOnly(int count, Path directory, long[] started) throws IOException {
		Iterator<BatchRecord> records = records(count);
		started[0] = System.nanoTime();
		long written = 0;
		try (OutputStream out = new GZIPOutputStream(
				new BufferedOutputStream(Files.newOutputStream(directory.resolve("limit.jsonl.gz")), 64 * 1024),
				64 * 1024)) {
			while (records.hasNext()) {
				out.write((records.next().toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8));
				written++;
			}
		}
		return written;
	}

	private static long importAll(int count, Path directory, long[] started) {
		try (FakeSitecoreCdp cdp = FakeSitecoreCdp.start()) {
			WebClient batchApi = WebClient.builder()
				.baseUrl(cdp.baseUrl().toString())
				.defaultHeaders((headers) -> headers.setBasicAuth(FakeBatches.CLIENT_KEY, FakeBatches.API_TOKEN))
				.build();
			BatchImportClient client = new BatchImportClient(batchApi, WebClient.create(),
					new BatchImportClient.Settings(50L * 1024 * 1024, directory, Duration.ofMillis(1),
							Duration.ofMillis(10), Duration.ofMinutes(10)),
					Clock.systemUTC(), BatchImportListener.NONE);
			// Timed from here: starting the fake is no part of an import.
			started[0] = System.nanoTime();
			BatchImportResult result = client.importRecords(() -> records(count));
			return result.records();
		}
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

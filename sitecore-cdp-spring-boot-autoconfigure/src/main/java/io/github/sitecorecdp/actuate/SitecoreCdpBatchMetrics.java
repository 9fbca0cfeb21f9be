package io.github.sitecorecdp.actuate;

import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.Collections;
import java.util.WeakHashMap;

import io.github.sitecorecdp.batch.BatchFile;
import io.github.sitecorecdp.batch.BatchImportListener;
import io.github.sitecorecdp.batch.BatchResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer metrics of batch imports. Tags carry no secrets and no record data.
 *
 * <ul>
 * <li>{@code sitecore.cdp.batch.batches} (counter), tag {@code status}: {@code success},
 * {@code corrupted}, {@code error}: batches by final status</li>
 * <li>{@code sitecore.cdp.batch.records} (counter): records in batches that reached a
 * final status</li>
 * <li>{@code sitecore.cdp.batch.upload.bytes} (counter): bytes of files uploaded</li>
 * <li>{@code sitecore.cdp.batch.upload} (timer): from a file being written to its upload
 * being done, announcement included</li>
 * </ul>
 *
 * @author sitecore-cdp-spring-boot
 */
public final class SitecoreCdpBatchMetrics implements BatchImportListener, MeterBinder {

	/** Weak keys: a file whose upload failed is forgotten with its import. */
	private final Map<BatchFile, Long> writtenAt = Collections.synchronizedMap(new WeakHashMap<>());

	private volatile @Nullable MeterRegistry registry;

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		for (String status : new String[] { "success", "corrupted", "error" }) {
			batches(registry, status);
		}
		records(registry);
		uploadBytes(registry);
		uploads(registry);
	}

	@Override
	public void fileWritten(BatchFile file) {
		this.writtenAt.put(file, System.nanoTime());
	}

	@Override
	public void uploaded(UUID batchRef, BatchFile file) {
		Long start = this.writtenAt.remove(file);
		MeterRegistry current = this.registry;
		if (current != null) {
			uploadBytes(current).increment(file.size());
			if (start != null) {
				uploads(current).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
			}
		}
	}

	@Override
	public void finished(BatchResult result) {
		MeterRegistry current = this.registry;
		if (current != null) {
			batches(current, result.status().name().toLowerCase(Locale.ROOT)).increment();
			records(current).increment(result.records());
		}
	}

	private static Counter batches(MeterRegistry registry, String status) {
		return Counter.builder("sitecore.cdp.batch.batches")
			.description("Batches of imports by final status")
			.tag("status", status)
			.register(registry);
	}

	private static Counter records(MeterRegistry registry) {
		return Counter.builder("sitecore.cdp.batch.records")
			.description("Records in batches that reached a final status")
			.register(registry);
	}

	private static Counter uploadBytes(MeterRegistry registry) {
		return Counter.builder("sitecore.cdp.batch.upload.bytes")
			.description("Bytes of batch files uploaded")
			.baseUnit("bytes")
			.register(registry);
	}

	private static Timer uploads(MeterRegistry registry) {
		return Timer.builder("sitecore.cdp.batch.upload")
			.description("Time from a batch file written to its upload done")
			.register(registry);
	}

}

package io.github.sitecorecdp.batch;

import java.util.List;

/**
 * The outcome of an import whose batches all succeeded.
 *
 * @param batches one result per batch (file), in upload order
 * @author sitecore-cdp-spring-boot
 */
public record BatchImportResult(List<BatchResult> batches) {

	/**
	 * Create a result holding an unmodifiable copy of the batch results.
	 * @param batches one result per batch (file), in upload order
	 */
	public BatchImportResult {
		batches = List.copyOf(batches);
	}

	/**
	 * Return how many records were imported.
	 * @return the records of every batch
	 */
	public long records() {
		return this.batches.stream().mapToLong(BatchResult::records).sum();
	}

}

package io.github.sitecorecdp.batch;

import java.util.List;
import java.util.UUID;

/**
 * The outcome of one batch (one file) of an import.
 *
 * @param batchRef the batch's reference at Sitecore
 * @param status its final status
 * @param records how many records its file held
 * @param size the size of its file in bytes
 * @param firstRecordRef the reference of its first record
 * @param lastRecordRef the reference of its last record, from which an import can go on
 * @param failedRecords the records Sitecore refused, from the error log; at most the first
 * {@value #MAX_FAILED_RECORDS_KEPT}
 * @param failedRecordCount how many records the error log lists in all; {@code -1} when
 * the batch ended {@code error} and its log could not be read (the exception's message
 * says why): which of its records failed is then unknown, though the batch's outcome is
 * @author sitecore-cdp-spring-boot
 */
public record BatchResult(UUID batchRef, BatchStatus status, long records, long size, UUID firstRecordRef,
		UUID lastRecordRef, List<FailedRecord> failedRecords, long failedRecordCount) {

	/** How many failed records a result keeps: a log can list a whole file's. */
	public static final int MAX_FAILED_RECORDS_KEPT = 10_000;

	/**
	 * Create a result holding an unmodifiable copy of the failed records.
	 * @param batchRef the batch's reference at Sitecore
	 * @param status its final status
	 * @param records how many records its file held
	 * @param size the size of its file in bytes
	 * @param firstRecordRef the reference of its first record
	 * @param lastRecordRef the reference of its last record
	 * @param failedRecords the records Sitecore refused, from the error log
	 * @param failedRecordCount how many records the error log lists in all, or -1 when the log could not be read
	 */
	public BatchResult {
		failedRecords = List.copyOf(failedRecords);
	}

}

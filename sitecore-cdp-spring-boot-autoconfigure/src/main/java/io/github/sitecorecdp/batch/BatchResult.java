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
 * @param failedRecords the records Sitecore refused, from the error log
 * @author sitecore-cdp-spring-boot
 */
public record BatchResult(UUID batchRef, BatchStatus status, long records, long size, UUID firstRecordRef,
		UUID lastRecordRef, List<FailedRecord> failedRecords) {

	public BatchResult {
		failedRecords = List.copyOf(failedRecords);
	}

}

package io.github.sitecorecdp.fake;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A batch as the fake knows it, for assertions.
 *
 * @param ref the batch reference the client chose
 * @param checksum the announced hex MD5 of the file
 * @param size the announced size of the file
 * @param uploadExpiresAt when the presigned upload URL expires
 * @param status {@code uploading}, {@code processing}, {@code success}, {@code corrupted} or
 * {@code error}
 * @param records the records the uploaded file held, or 0 before the upload
 * @param failedRecords the error log: one entry per invalid record
 * @param polls how often the batch's status was asked for
 * @author sitecore-cdp-spring-boot
 */
public record FakeBatch(String ref, String checksum, long size, Instant uploadExpiresAt, String status, long records,
		List<FailedRecord> failedRecords, int polls) {

	/**
	 * One line of a batch's error log.
	 *
	 * @param ref the record's reference, or {@code null} when the line had none
	 * @param code the error code
	 * @param message what is wrong
	 */
	public record FailedRecord(@Nullable String ref, String code, String message) {
	}

}

package io.github.sitecorecdp.batch;

import java.util.Locale;

/**
 * Where a batch is in Sitecore's processing.
 *
 * @author sitecore-cdp-spring-boot
 */
public enum BatchStatus {

	/** Announced; the file is not uploaded yet. */
	UPLOADING,

	/** Uploaded, not yet processed (reported by the inspect endpoint). */
	FILE_UPLOADED,

	/** Being processed. */
	PROCESSING,

	/** Every record was imported. */
	SUCCESS,

	/** The file could not be read. */
	CORRUPTED,

	/** Some records failed; the error log lists them. */
	ERROR,

	/** A status this client does not know yet. */
	UNKNOWN,

	/**
	 * The client's verdict, not a status Sitecore sends: the file never reached storage, so
	 * none of the batch's records was imported and they can be sent again. Given when the
	 * storage host refused the upload with a {@code 4xx}, when Sitecore has no batch of the
	 * ref, or when the batch still says {@code uploading} past its upload URL's expiry by
	 * more than {@code sitecore.cdp.batch.status-lag}. Sitecore's batch status pages: a batch
	 * "stays in this status [uploading] until the file is fully uploaded", and its upload
	 * location "is valid for one hour"
	 * (https://doc.sitecore.com/cdp/en/developers/api/retrieve-details-of-batch-uploads.html,
	 * https://doc.sitecore.com/cdp/developers/api/en/allocate-batch-upload-location.html).
	 */
	NOT_UPLOADED;

	/**
	 * Return whether the batch's outcome is known: Sitecore is done with it, or its file
	 * never reached storage.
	 * @return whether the status is final
	 */
	public boolean isFinal() {
		return this == SUCCESS || this == CORRUPTED || this == ERROR || this == NOT_UPLOADED;
	}

	static BatchStatus of(String value) {
		try {
			return valueOf(value.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return UNKNOWN;
		}
	}

}

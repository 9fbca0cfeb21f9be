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
	UNKNOWN;

	/**
	 * Return whether Sitecore is done with the batch.
	 * @return whether the status is final
	 */
	public boolean isFinal() {
		return this == SUCCESS || this == CORRUPTED || this == ERROR;
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

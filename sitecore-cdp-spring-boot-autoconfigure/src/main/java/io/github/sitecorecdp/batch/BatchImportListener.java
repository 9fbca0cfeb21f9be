package io.github.sitecorecdp.batch;

import java.util.UUID;

/**
 * Hears an import's progress. Called on the importing thread; keep it quick.
 *
 * @author sitecore-cdp-spring-boot
 */
public interface BatchImportListener {

	/** A listener that does nothing. */
	BatchImportListener NONE = new BatchImportListener() {
	};

	/**
	 * A file was written and is about to be announced.
	 * @param file the file
	 */
	default void fileWritten(BatchFile file) {
	}

	/**
	 * A file was uploaded.
	 * @param batchRef its batch
	 * @param file the file
	 */
	default void uploaded(UUID batchRef, BatchFile file) {
	}

	/**
	 * A batch's status changed.
	 * @param batchRef the batch
	 * @param status its new status
	 */
	default void statusChanged(UUID batchRef, BatchStatus status) {
	}

	/**
	 * A batch reached a final status.
	 * @param result its outcome
	 */
	default void finished(BatchResult result) {
	}

}

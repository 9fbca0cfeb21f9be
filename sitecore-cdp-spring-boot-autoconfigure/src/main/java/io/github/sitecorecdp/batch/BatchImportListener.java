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
	 * A file is about to be announced as a batch of this ref, before anything of it can
	 * reach Sitecore; called again with a new ref when an expired upload URL makes the file
	 * a new batch. An application that must survive its process being killed keeps the
	 * ref with the file's {@link BatchFile#records() records}, {@link BatchFile#size() size}
	 * and first and last record refs, durably, before returning: after a restart,
	 * {@link BatchImportClient#awaitBatch(UnconfirmedBatch)} with
	 * {@link UnconfirmedBatch#of(UUID, long, long, UUID, UUID)} says whether those records
	 * were imported, failed, or never reached storage. A failure of this method is logged
	 * and does not stop the import.
	 * @param batchRef the batch's ref
	 * @param file the file
	 */
	default void announcing(UUID batchRef, BatchFile file) {
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

package io.github.sitecorecdp.batch;

import java.util.UUID;

/**
 * A batch whose file may have reached Sitecore but whose outcome this import does not
 * know: a status poll kept failing, the wait ran out, the upload's answer was lost, the
 * import was interrupted, or Sitecore answered a status this client does not know. Its
 * records may be imported, or may still be: never send them again before
 * {@link BatchImportClient#awaitBatch(UnconfirmedBatch)} says the batch did not succeed.
 *
 * <p>
 * An application that must survive its own process being killed keeps what
 * {@link BatchImportListener#announcing} tells it, before the file is uploaded, and builds
 * one of these after a restart with {@link #of(UUID, long, long, UUID, UUID)}.
 *
 * @param batchRef the batch's reference at Sitecore
 * @param records how many records its file held
 * @param size the size of its file in bytes
 * @param firstRecordRef the reference of its first record
 * @param lastRecordRef the reference of its last record
 * @param lastStatus the last status Sitecore answered, as sent (such as {@code processing}
 * or a value this client does not know), or {@code unknown} when none was read
 * @author sitecore-cdp-spring-boot
 */
public record UnconfirmedBatch(UUID batchRef, long records, long size, UUID firstRecordRef, UUID lastRecordRef,
		String lastStatus) {

	/**
	 * Name a batch that a stopped process announced, from what
	 * {@link BatchImportListener#announcing} told it; its last status is unknown.
	 * @param batchRef the batch's ref
	 * @param records how many records its file held
	 * @param size the size of its file in bytes
	 * @param firstRecordRef the reference of its first record
	 * @param lastRecordRef the reference of its last record
	 * @return the batch, for {@link BatchImportClient#awaitBatch(UnconfirmedBatch)}
	 */
	public static UnconfirmedBatch of(UUID batchRef, long records, long size, UUID firstRecordRef,
			UUID lastRecordRef) {
		return new UnconfirmedBatch(batchRef, records, size, firstRecordRef, lastRecordRef, "unknown");
	}

	static UnconfirmedBatch of(UUID batchRef, BatchFile file, String lastStatus) {
		return new UnconfirmedBatch(batchRef, file.records(), file.size(), file.firstRef(), file.lastRef(), lastStatus);
	}

	@Override
	public String toString() {
		return "UnconfirmedBatch[" + this.batchRef + ", " + this.records + " records, " + this.firstRecordRef + " to "
				+ this.lastRecordRef + ", last status " + this.lastStatus + "]";
	}

}

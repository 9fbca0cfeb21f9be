package io.github.sitecorecdp.batch;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An import that did not complete. It says exactly where each record stands:
 *
 * <ul>
 * <li>{@link #succeeded()}: the batches Sitecore confirmed, in order;</li>
 * <li>{@link #failed()}: the batch that ended {@code corrupted} or {@code error}, if that
 * is what ended the import;</li>
 * <li>{@link #unconfirmed()}: the batch whose file may have reached Sitecore but whose
 * outcome is unknown, if that is what ended the import. Its records must not be sent
 * again before {@link BatchImportClient#awaitBatch(UnconfirmedBatch)} says it did not
 * succeed.</li>
 * </ul>
 * Every record after the last of these was not imported.
 *
 * @author sitecore-cdp-spring-boot
 */
public class BatchImportException extends RuntimeException {

	private final List<BatchResult> succeeded;

	private final @Nullable BatchResult failed;

	private final @Nullable UnconfirmedBatch unconfirmed;

	/**
	 * Create a new instance.
	 * @param message what went wrong
	 * @param succeeded the batches that succeeded before, in order
	 * @param failed the batch that ended {@code corrupted} or {@code error}, if that is what
	 * went wrong
	 * @param cause the cause, if any
	 */
	public BatchImportException(String message, List<BatchResult> succeeded, @Nullable BatchResult failed,
			@Nullable Throwable cause) {
		this(message, succeeded, failed, null, cause);
	}

	/**
	 * Create a new instance.
	 * @param message what went wrong
	 * @param succeeded the batches that succeeded before, in order
	 * @param failed the batch that ended {@code corrupted} or {@code error}, if that is what
	 * went wrong
	 * @param unconfirmed the batch whose outcome is unknown, if that is what went wrong
	 * @param cause the cause, if any
	 */
	public BatchImportException(String message, List<BatchResult> succeeded, @Nullable BatchResult failed,
			@Nullable UnconfirmedBatch unconfirmed, @Nullable Throwable cause) {
		super(message, cause);
		this.succeeded = List.copyOf(succeeded);
		this.failed = failed;
		this.unconfirmed = unconfirmed;
	}

	/**
	 * Return the batches that succeeded before the failure, in order.
	 * @return the batches
	 */
	public List<BatchResult> succeeded() {
		return this.succeeded;
	}

	/**
	 * Return the batch that ended {@code corrupted} or {@code error}, with its failed
	 * records.
	 * @return the batch, or {@code null} when the failure was not a batch's status
	 */
	public @Nullable BatchResult failed() {
		return this.failed;
	}

	/**
	 * Return the batch whose file may have reached Sitecore but whose outcome is unknown.
	 * @return the batch, or {@code null} when every uploaded batch's outcome is known
	 */
	public @Nullable UnconfirmedBatch unconfirmed() {
		return this.unconfirmed;
	}

}

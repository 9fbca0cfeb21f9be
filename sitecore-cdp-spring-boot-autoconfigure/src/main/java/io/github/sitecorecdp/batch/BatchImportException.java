package io.github.sitecorecdp.batch;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An import that did not complete: a batch ended {@code corrupted} or {@code error}, or an
 * announcement, upload or status poll failed. It says exactly which batches succeeded
 * before, so that the application can go on after the last record of the last of them.
 *
 * @author sitecore-cdp-spring-boot
 */
public class BatchImportException extends RuntimeException {

	private final List<BatchResult> succeeded;

	private final @Nullable BatchResult failed;

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
		super(message, cause);
		this.succeeded = List.copyOf(succeeded);
		this.failed = failed;
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

}

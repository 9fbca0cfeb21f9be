package io.github.sitecorecdp.batch;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import io.github.sitecorecdp.retry.RetryListener;
import io.github.sitecorecdp.retry.RetryPolicy;
import io.github.sitecorecdp.retry.TransientFailures;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Imports records into Sitecore CDP through the Batch API: writes them as gzip JSON-lines
 * files of at most the size limit, one at a time, to disk; announces each file, uploads it
 * to the presigned URL Sitecore answers, polls with backoff until a final status, and goes
 * on with the next file only after a batch succeeded, as Sitecore advises. Memory stays
 * bounded whatever the size of the import: one record and one file's buffers at a time.
 *
 * <p>
 * Every record is imported once, or the {@link BatchImportException} says exactly where
 * it stands: in a batch that succeeded, in the one batch that ended {@code corrupted} or
 * {@code error}, in the one batch whose outcome is unknown ({@link UnconfirmedBatch}: its
 * file may have reached Sitecore), or not sent. Transient failures (Sitecore's and S3's
 * "try again" answers, {@code 429}, resets, timeouts) of status polls, uploads and
 * error-log reads are retried by the {@link RetryPolicy}; announcements are repeated only
 * with the same ref, after checking that Sitecore has no batch of it. An upload URL found
 * expired is replaced by announcing the file again as a new batch, once Sitecore's status
 * shows that the first batch never got the file.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class BatchImportClient {

	private static final Log logger = LogFactory.getLog(BatchImportClient.class);

	private static final int UPLOAD_ATTEMPTS = 3;

	/**
	 * What Sitecore's status pages list as not final: "uploading", "file_uploaded" (inspect
	 * endpoint only) and "processing". The pages list "success", "corrupted" and "error" as
	 * the outcomes; any other value is none of these, so it ends the wait and the batch is
	 * reported unconfirmed with the value as sent, neither failed nor succeeded.
	 */
	private static final Set<String> IN_PROGRESS = Set.of("uploading", "file_uploaded", "processing");

	private final BatchCalls calls;

	private final Settings settings;

	private final Clock clock;

	private final BatchImportListener listener;

	/**
	 * Create a new instance that retries with {@link RetryPolicy.Settings#DEFAULTS}.
	 * @param batchApi a client of the tenant's API host that sends the Basic credentials
	 * @param uploads a client that sends no credentials, for presigned URLs and error logs
	 * @param settings file size, spool directory and polling
	 * @param clock the clock of Retry-After dates; one that is also a {@code LongSupplier} of
	 * nanoseconds (as the test kit's {@code MutableClock}) moves the processing deadline too
	 * @param listener hears the progress
	 */
	public BatchImportClient(WebClient batchApi, WebClient uploads, Settings settings, Clock clock,
			BatchImportListener listener) {
		this(batchApi, uploads, settings, clock, listener,
				new RetryPolicy(RetryPolicy.Settings.DEFAULTS, RetryListener.NONE, clock));
	}

	/**
	 * Create a new instance.
	 * @param batchApi a client of the tenant's API host that sends the Basic credentials
	 * @param uploads a client that sends no credentials, for presigned URLs and error logs
	 * @param settings file size, spool directory and polling
	 * @param clock the clock of Retry-After dates; one that is also a {@code LongSupplier} of
	 * nanoseconds (as the test kit's {@code MutableClock}) moves the processing deadline too
	 * @param listener hears the progress
	 * @param retry the retry policy of status polls, uploads, error-log reads and
	 * announcements
	 */
	public BatchImportClient(WebClient batchApi, WebClient uploads, Settings settings, Clock clock,
			BatchImportListener listener, RetryPolicy retry) {
		this.calls = new BatchCalls(batchApi, uploads, retry, settings.statusLag(), settings.pollInterval());
		this.settings = settings;
		this.clock = clock;
		this.listener = listener;
	}

	/**
	 * Import records, blocking until every batch succeeded.
	 * @param records the records, read once, one at a time; none may be {@code null}
	 * @return one result per batch
	 * @throws BatchImportException if a batch did not succeed or its outcome is unknown, a
	 * call failed, or the records could not be read
	 */
	public BatchImportResult importRecords(Iterable<BatchRecord> records) {
		return importRecords(records.iterator());
	}

	/**
	 * Import records, blocking until every batch succeeded.
	 * @param records the records, read once, one at a time; closed at the end
	 * @return one result per batch
	 * @throws BatchImportException if a batch did not succeed or its outcome is unknown, a
	 * call failed, or the records could not be read
	 */
	public BatchImportResult importRecords(Stream<BatchRecord> records) {
		try (records) {
			return importRecords(records.iterator());
		}
	}

	/**
	 * Import records without blocking the caller: the import runs on a worker thread and
	 * pulls records from the publisher as it writes them.
	 * @param records the records
	 * @return the result, or a {@link BatchImportException}
	 */
	public Mono<BatchImportResult> importRecords(Flux<BatchRecord> records) {
		// A stream, closed by importRecords(Stream) whatever happens: closing cancels the
		// source, so a failed import releases a database cursor behind it at once.
		return Mono.fromCallable(() -> importRecords(records.toStream(256)))
			.subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Wait for the outcome of a batch that an import left unconfirmed, for as long as
	 * {@code max-wait}: the way to go on after a {@link BatchImportException} whose
	 * {@link BatchImportException#unconfirmed()} is set, or after the application was
	 * stopped mid-import, without sending any record twice.
	 * <p>
	 * A batch whose file never reached storage gets a final answer too, status
	 * {@link BatchStatus#NOT_UPLOADED}: when Sitecore has no batch of its ref (the
	 * announcement never arrived), or when it still says {@code uploading} more than
	 * {@code status-lag} after its upload URL expired (read on Sitecore's clock, from the
	 * answer's {@code Date}). Until then the wait lasts at most {@code max-wait}, or until
	 * that moment when it comes later, since only then is the answer sure.
	 * @param batch the batch, as an exception named it or as built from what
	 * {@link BatchImportListener#announcing} told before the process stopped
	 * @return its result, when it succeeded: go on after its last record
	 * @throws BatchImportException with {@link BatchImportException#failed()} when it ended
	 * {@code corrupted}, {@code error} (send its records again, corrected) or
	 * {@code NOT_UPLOADED} (send them again), or with
	 * {@link BatchImportException#unconfirmed()} when its outcome is still unknown
	 */
	public BatchResult awaitBatch(UnconfirmedBatch batch) {
		return awaitFinalStatus(batch, List.of(), false);
	}

	private BatchImportResult importRecords(Iterator<BatchRecord> records) {
		List<BatchResult> succeeded = new ArrayList<>();
		BatchFileWriter writer = new BatchFileWriter(records, spoolDirectory(), this.settings.maxFileSize());
		while (true) {
			BatchFile file;
			try {
				file = writer.next();
			}
			catch (Throwable ex) {
				// Throwable: a source may throw checked exceptions it does not declare
				// (Kotlin, @SneakyThrows); the writer has deleted its file either way.
				rethrowIfFatal(ex);
				throw new BatchImportException("Could not write batch file " + (succeeded.size() + 1) + ": "
						+ ex.getMessage() + succeededSoFar(succeeded), succeeded, null, ex);
			}
			if (file == null) {
				return new BatchImportResult(succeeded);
			}
			try {
				tell(() -> this.listener.fileWritten(file));
				succeeded.add(importFile(file, succeeded));
			}
			finally {
				delete(file.path());
			}
		}
	}

	private BatchResult importFile(BatchFile file, List<BatchResult> succeeded) {
		UUID batchRef = UUID.randomUUID();
		try {
			for (int attempt = 1;; attempt++) {
				// Before the announcement: a process killed from here on leaves the
				// application a ref that awaitBatch can answer for.
				UUID announcing = batchRef;
				tell(() -> this.listener.announcing(announcing, file));
				BatchCalls.Announcement announced = this.calls.announce(batchRef, file);
				URI uploadUrl = announced.uploadUrl();
				if (uploadUrl == null) {
					break;
				}
				if (this.calls.upload(batchRef, uploadUrl, file, uploadLimit(file.size()))) {
					break;
				}
				// Refused as expired, and the status still says uploading: the file is not there.
				if (attempt == UPLOAD_ATTEMPTS) {
					return notUploaded(UnconfirmedBatch.of(batchRef, file, "uploading"), "its upload URLs expired "
							+ attempt + " times before the upload; check the clock of this machine and the network",
							succeeded, null);
				}
				// Sitecore's URLs live an hour: announce the file again as a new batch.
				logger.info("Upload URL of batch " + batchRef + " expired; announcing the file as a new batch");
				batchRef = UUID.randomUUID();
			}
		}
		catch (BatchCalls.UploadFailedException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (ex.mayHaveReachedStorage()) {
				String limit = (cause instanceof TimeoutException) ? "; an upload may take "
						+ "sitecore.cdp.batch.upload-timeout plus its size at sitecore.cdp.batch.min-upload-rate, "
						+ uploadLimit(file.size()) + " for this file of " + file.size() + " bytes" : "";
				throw unconfirmed(UnconfirmedBatch.of(batchRef, file, "uploading"),
						"its upload failed after the file may have reached storage: " + describe(cause) + limit,
						succeeded, cause);
			}
			return notUploaded(UnconfirmedBatch.of(batchRef, file, "uploading"),
					"its upload was refused: " + describe(cause), succeeded, cause);
		}
		catch (RuntimeException ex) {
			throw new BatchImportException("Batch " + batchRef + " (records " + file.firstRef() + " to "
					+ file.lastRef() + ") failed before its file was uploaded, so none of its records was imported: "
					+ describe(ex) + succeededSoFar(succeeded), succeeded, null, ex);
		}
		UUID uploadedRef = batchRef;
		tell(() -> this.listener.uploaded(uploadedRef, file));
		logger.info("Uploaded batch " + batchRef + " (" + file.records() + " records, " + file.size() + " bytes)");
		return awaitFinalStatus(UnconfirmedBatch.of(batchRef, file, "uploading"), succeeded, true);
	}

	/**
	 * End with a batch whose file never reached storage: a failed batch, named, whose
	 * records can all be sent again.
	 */
	private BatchResult notUploaded(UnconfirmedBatch batch, String why, List<BatchResult> succeeded,
			@Nullable Throwable cause) {
		BatchResult result = new BatchResult(batch.batchRef(), BatchStatus.NOT_UPLOADED, batch.records(),
				batch.size(), batch.firstRecordRef(), batch.lastRecordRef(), List.of(), 0);
		tell(() -> this.listener.finished(result));
		String message = "Batch " + batch.batchRef() + " (" + batch.records() + " records, " + batch.firstRecordRef()
				+ " to " + batch.lastRecordRef() + ") was not uploaded: " + why
				+ "; its file never reached storage, so none of its records was imported: send them again"
				+ succeededSoFar(succeeded);
		logger.warn(message);
		throw new BatchImportException(message, succeeded, result, cause);
	}

	/**
	 * The limit of one upload, retries included: the response timeout plus the time the
	 * file takes at the slowest rate accepted. A fixed limit failed large files on slow
	 * links: 50 MB in 10 minutes needs 85 KB/s.
	 */
	Duration uploadLimit(long size) {
		long rate = Math.max(1, this.settings.minUploadBytesPerSecond());
		return this.settings.uploadTimeoutBase().plusMillis(Math.multiplyExact(size, 1000L) / rate);
	}

	/**
	 * Poll until a final status.
	 * @param uploaded whether this import's upload succeeded: then a batch that still says
	 * {@code uploading} has its file, and is never taken as not uploaded
	 */
	private BatchResult awaitFinalStatus(UnconfirmedBatch batch, List<BatchResult> succeeded, boolean uploaded) {
		UUID batchRef = batch.batchRef();
		// On monotonic time: a wall clock stepped forward (NTP, a resumed VM) must not end the
		// wait early. A test's clock that also ticks (a LongSupplier, as MutableClock) moves
		// it; real time still bounds it, so a clock that stands still cannot make it endless.
		long deadline = ticker() + this.settings.maxWait().toNanos();
		long realDeadline = System.nanoTime() + this.settings.maxWait().toNanos();
		Duration wait = this.settings.pollInterval();
		// When the verdict "not uploaded" becomes sure, on this machine's monotonic time: set
		// at the first answer that tells it, so a Date that does not move (a caching proxy, a
		// stopped test clock) cannot keep the wait going for ever.
		long sureDeadline = 0;
		boolean sureDeadlineSet = false;
		String last = batch.lastStatus();
		while (true) {
			BatchCalls.BatchStatusAnswer answer;
			try {
				// At least a second: the poll at the deadline gets its chance too.
				answer = this.calls.status(batchRef, max(timeLeft(deadline, realDeadline), Duration.ZERO).plusSeconds(1));
			}
			catch (RuntimeException ex) {
				throw unconfirmed(withStatus(batch, last), "its status could not be read: " + describe(ex), succeeded,
						ex);
			}
			if (answer == BatchCalls.BatchStatusAnswer.NONE) {
				if (!uploaded) {
					return notUploaded(batch, "Sitecore has no batch of this ref (GET /v2/batches/" + batchRef
							+ " answered 404): its announcement never arrived", succeeded, null);
				}
				throw unconfirmed(withStatus(batch, last), "Sitecore has no batch " + batchRef + " (GET /v2/batches/"
						+ batchRef + " answered 404) although its file was uploaded", succeeded, null);
			}
			String code = answer.code();
			BatchStatus current = BatchStatus.of(code);
			if (!code.equals(last)) {
				tell(() -> this.listener.statusChanged(batchRef, current));
				last = code;
			}
			if (current == BatchStatus.SUCCESS || current == BatchStatus.CORRUPTED || current == BatchStatus.ERROR) {
				return finished(batch, current, answer, succeeded);
			}
			if (!IN_PROGRESS.contains(code)) {
				throw unconfirmed(withStatus(batch, code), "Sitecore answered the status \"" + code
						+ "\", which its documentation does not list; check the batch in Sitecore CDP", succeeded, null);
			}
			Duration untilSure = Duration.ZERO;
			if (!uploaded && code.equals("uploading") && answer.uploadExpiry() != null) {
				// On Sitecore's clock (its Date), which the expiry is on: this machine's may be
				// minutes off, and a verdict it brought forward would send records twice.
				Instant now = (answer.serverTime() != null) ? answer.serverTime() : this.clock.instant();
				Instant sure = answer.uploadExpiry().plus(this.settings.statusLag());
				if (now.isAfter(sure)) {
					return notUploaded(withStatus(batch, code), "Sitecore still says uploading at " + now
							+ ", more than " + this.settings.statusLag()
							+ " (sitecore.cdp.batch.status-lag) after its upload URL expired at "
							+ answer.uploadExpiry(), succeeded, null);
				}
				if (!sureDeadlineSet) {
					sureDeadline = System.nanoTime() + Duration.between(now, sure).plusMillis(1).toNanos();
					sureDeadlineSet = true;
				}
				untilSure = Duration.ofNanos(sureDeadline - System.nanoTime());
			}
			Duration left = max(timeLeft(deadline, realDeadline), untilSure);
			if (left.isNegative() || left.isZero()) {
				// Given up only after a poll at the deadline.
				throw unconfirmed(withStatus(batch, code), "it is still " + code + " after " + this.settings.maxWait()
						+ " (sitecore.cdp.batch.max-wait)", succeeded, null);
			}
			try {
				Thread.sleep(min(wait, left).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw unconfirmed(withStatus(batch, code), "the import was interrupted while waiting for it", succeeded,
						ex);
			}
			wait = min(wait.multipliedBy(2), this.settings.maxPollInterval());
		}
	}

	private BatchResult finished(UnconfirmedBatch batch, BatchStatus status, BatchCalls.BatchStatusAnswer answer,
			List<BatchResult> succeeded) {
		List<FailedRecord> failed = new ArrayList<>();
		long failedCount = 0;
		String logProblem = null;
		if (status == BatchStatus.ERROR) {
			String log = answer.log();
			if (log == null) {
				logProblem = "it has no error log (Sitecore: the file may not be gzip)";
			}
			else {
				try {
					failedCount = this.calls.errorLog(log, failed, this.calls.retry().settings().maxElapsed());
				}
				catch (RuntimeException ex) {
					failed.clear();
					failedCount = -1;
					logProblem = "its error log could not be read: the storage host " + RetryPolicy.describe(ex);
				}
			}
		}
		BatchResult result = new BatchResult(batch.batchRef(), status, batch.records(), batch.size(),
				batch.firstRecordRef(), batch.lastRecordRef(), failed, failedCount);
		tell(() -> this.listener.finished(result));
		if (status == BatchStatus.SUCCESS) {
			logger.info("Batch " + batch.batchRef() + " succeeded (" + batch.records() + " records)");
			return result;
		}
		String outcome = "Batch " + batch.batchRef() + " (records " + batch.firstRecordRef() + " to "
				+ batch.lastRecordRef() + ") ended with status " + status.name().toLowerCase(Locale.ROOT)
				+ ((failedCount > 0) ? ", " + failedCount + ((failedCount == 1) ? " record" : " records")
						+ " refused" : "")
				+ ((logProblem != null) ? "; " + logProblem : "");
		logger.warn(outcome);
		throw new BatchImportException(outcome + succeededSoFar(succeeded), succeeded, result, null);
	}

	private static BatchImportException unconfirmed(UnconfirmedBatch batch, String why, List<BatchResult> succeeded,
			@Nullable Throwable cause) {
		String message = "Batch " + batch.batchRef() + " (" + batch.records() + " records, " + batch.firstRecordRef()
				+ " to " + batch.lastRecordRef() + ") is unconfirmed: " + why
				+ ". Its records may be imported: do not send them again before awaitBatch says it did not succeed"
				+ succeededSoFar(succeeded);
		logger.warn(message);
		return new BatchImportException(message, succeeded, null, batch, cause);
	}

	private static UnconfirmedBatch withStatus(UnconfirmedBatch batch, String status) {
		return new UnconfirmedBatch(batch.batchRef(), batch.records(), batch.size(), batch.firstRecordRef(),
				batch.lastRecordRef(), status);
	}

	private long ticker() {
		return (this.clock instanceof LongSupplier ticking) ? ticking.getAsLong() : System.nanoTime();
	}

	private Duration timeLeft(long deadline, long realDeadline) {
		return min(Duration.ofNanos(deadline - ticker()), Duration.ofNanos(realDeadline - System.nanoTime()));
	}

	/** Test seam: the error log's line reader. */
	static FailedRecord failedRecord(String line) {
		return ErrorLogLines.failedRecord(line);
	}

	private void tell(Runnable call) {
		// A listener only hears the progress: its failure, checked exceptions included,
		// must not turn a batch that succeeded into one reported as failed, which would be
		// imported again.
		try {
			call.run();
		}
		catch (Throwable ex) {
			rethrowIfFatal(ex);
			logger.warn("A BatchImportListener failed: " + ex);
		}
	}

	static void rethrowIfFatal(Throwable ex) {
		if (ex instanceof VirtualMachineError error) {
			throw error;
		}
	}

	private Path spoolDirectory() {
		Path directory = this.settings.spoolDirectory();
		return (directory != null) ? directory : Path.of(System.getProperty("java.io.tmpdir"));
	}

	private static String succeededSoFar(List<BatchResult> succeeded) {
		if (succeeded.isEmpty()) {
			return "; no batch of this import succeeded before";
		}
		return "; the " + succeeded.size() + " batches before succeeded, up to record "
				+ succeeded.get(succeeded.size() - 1).lastRecordRef();
	}

	private static String describe(Throwable ex) {
		if (ex instanceof WebClientResponseException response) {
			int status = response.getStatusCode().value();
			boolean storage = response.getRequest() != null && response.getRequest().getURI().getPath() != null
					&& !response.getRequest().getURI().getPath().contains("/v2/batches/");
			return (storage ? "the storage host answered " + status + ": "
					+ BatchCalls.s3Message(response.getResponseBodyAsString())
					: "Sitecore answered " + status
							+ ((status == 401)
									? " (check sitecore.cdp.basic-auth.client-key and sitecore.cdp.basic-auth.api-token)"
									: ""));
		}
		if (ex instanceof TimeoutException || TransientFailures.isTransient(ex)) {
			return RetryPolicy.describe(ex);
		}
		return String.valueOf(ex.getMessage());
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static void delete(Path path) {
		try {
			Files.deleteIfExists(path);
		}
		catch (java.io.IOException ex) {
			logger.warn("Could not delete spooled batch file " + path + ": " + ex.getMessage());
		}
	}

	/**
	 * How an import writes, spools, uploads and waits.
	 *
	 * @param maxFileSize the largest file, compressed
	 * @param spoolDirectory where files are written, or {@code null} for the JVM's
	 * temporary directory
	 * @param pollInterval the first wait between two status polls
	 * @param maxPollInterval the longest wait between two status polls
	 * @param maxWait the longest wait for one batch's final status
	 * @param uploadTimeoutBase the part of an upload's limit that does not depend on its
	 * size
	 * @param minUploadBytesPerSecond the slowest upload accepted, in bytes per second: the
	 * limit of an upload is {@code uploadTimeoutBase} plus its size at this rate
	 * @param statusLag how long Sitecore's status may still say {@code uploading} after
	 * the file reached storage: waited out before a file whose upload answer was lost is
	 * sent again, and past a batch's URL expiry before it is taken as never uploaded
	 */
	public record Settings(long maxFileSize, @Nullable Path spoolDirectory, Duration pollInterval,
			Duration maxPollInterval, Duration maxWait, Duration uploadTimeoutBase, long minUploadBytesPerSecond,
			Duration statusLag) {

		/**
		 * Create settings with a status lag of one minute.
		 * @param maxFileSize the largest file, compressed
		 * @param spoolDirectory where files are written, or {@code null}
		 * @param pollInterval the first wait between two status polls
		 * @param maxPollInterval the longest wait between two status polls
		 * @param maxWait the longest wait for one batch's final status
		 * @param uploadTimeoutBase the part of an upload's limit that does not depend on its
		 * size
		 * @param minUploadBytesPerSecond the slowest upload accepted, in bytes per second
		 */
		public Settings(long maxFileSize, @Nullable Path spoolDirectory, Duration pollInterval,
				Duration maxPollInterval, Duration maxWait, Duration uploadTimeoutBase, long minUploadBytesPerSecond) {
			this(maxFileSize, spoolDirectory, pollInterval, maxPollInterval, maxWait, uploadTimeoutBase,
					minUploadBytesPerSecond, Duration.ofMinutes(1));
		}

		/**
		 * Create settings with the default upload limits: 1 minute plus the file's size at
		 * 16 KB/s.
		 * @param maxFileSize the largest file, compressed
		 * @param spoolDirectory where files are written, or {@code null}
		 * @param pollInterval the first wait between two status polls
		 * @param maxPollInterval the longest wait between two status polls
		 * @param maxWait the longest wait for one batch's final status
		 */
		public Settings(long maxFileSize, @Nullable Path spoolDirectory, Duration pollInterval,
				Duration maxPollInterval, Duration maxWait) {
			this(maxFileSize, spoolDirectory, pollInterval, maxPollInterval, maxWait, Duration.ofMinutes(1), 16 * 1024);
		}

	}

}

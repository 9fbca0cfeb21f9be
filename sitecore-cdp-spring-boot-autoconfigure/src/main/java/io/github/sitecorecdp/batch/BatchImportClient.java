package io.github.sitecorecdp.batch;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
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
 * A batch that ends {@code corrupted} or {@code error}, or a failed call, ends the import
 * with a {@link BatchImportException} that names the batches that succeeded before. An
 * upload URL found expired is replaced by announcing the file again as a new batch.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class BatchImportClient {

	private static final Log logger = LogFactory.getLog(BatchImportClient.class);

	private static final Duration CALL_TIMEOUT = Duration.ofMinutes(10);

	private static final int UPLOAD_ATTEMPTS = 3;

	private static final Pattern LOG_FIELD = Pattern
		.compile("\"(ref|code|message)\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+)");

	private static final Pattern S3_MESSAGE = Pattern.compile("<Message>(.*?)</Message>");

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final WebClient batchApi;

	private final WebClient uploads;

	private final Settings settings;

	private final Clock clock;

	private final BatchImportListener listener;

	/**
	 * Create a new instance.
	 * @param batchApi a client of the tenant's API host that sends the Basic credentials
	 * @param uploads a client that sends no credentials, for presigned URLs and error logs
	 * @param settings file size, spool directory and polling
	 * @param clock the clock of the processing deadline
	 * @param listener hears the progress
	 */
	public BatchImportClient(WebClient batchApi, WebClient uploads, Settings settings, Clock clock,
			BatchImportListener listener) {
		this.batchApi = batchApi;
		this.uploads = uploads;
		this.settings = settings;
		this.clock = clock;
		this.listener = listener;
	}

	/**
	 * Import records, blocking until every batch succeeded.
	 * @param records the records, read once, one at a time
	 * @return one result per batch
	 * @throws BatchImportException if a batch ended {@code corrupted} or {@code error}, or
	 * a call failed
	 */
	public BatchImportResult importRecords(Iterable<BatchRecord> records) {
		return importRecords(records.iterator());
	}

	/**
	 * Import records, blocking until every batch succeeded.
	 * @param records the records, read once, one at a time; closed at the end
	 * @return one result per batch
	 * @throws BatchImportException if a batch ended {@code corrupted} or {@code error}, or
	 * a call failed
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

	private BatchImportResult importRecords(Iterator<BatchRecord> records) {
		List<BatchResult> succeeded = new ArrayList<>();
		BatchFileWriter writer = new BatchFileWriter(records, spoolDirectory(), this.settings.maxFileSize());
		while (true) {
			BatchFile file;
			try {
				file = writer.next();
			}
			catch (RuntimeException ex) {
				throw new BatchImportException("Could not write batch file " + (succeeded.size() + 1) + ": "
						+ ex.getMessage() + succeededSoFar(succeeded), succeeded, null, ex);
			}
			if (file == null) {
				return new BatchImportResult(succeeded);
			}
			try {
				tell(() -> this.listener.fileWritten(file));
				BatchResult result = importFile(file, succeeded);
				succeeded.add(result);
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
				URI uploadUrl = announce(batchRef, file);
				if (upload(uploadUrl, file)) {
					break;
				}
				if (attempt == UPLOAD_ATTEMPTS) {
					throw new IllegalStateException("The upload URLs of batch " + batchRef + " expired " + attempt
							+ " times before the upload; check the clock of this machine and the network");
				}
				// Sitecore's URLs live an hour: announce the file again as a new batch.
				logger.info("Upload URL of batch " + batchRef + " expired; announcing the file as a new batch");
				batchRef = UUID.randomUUID();
			}
			UUID uploadedRef = batchRef;
			tell(() -> this.listener.uploaded(uploadedRef, file));
			logger.info("Uploaded batch " + batchRef + " (" + file.records() + " records, " + file.size() + " bytes)");
			return awaitFinalStatus(batchRef, file, succeeded);
		}
		catch (BatchImportException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw new BatchImportException("Batch " + batchRef + " (records " + file.firstRef() + " to " + file.lastRef()
					+ ") failed: " + describe(ex) + succeededSoFar(succeeded), succeeded, null, ex);
		}
	}

	private URI announce(UUID batchRef, BatchFile file) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("checksum", file.md5Hex());
		body.put("size", file.size());
		Map<String, Object> answer = this.batchApi.put()
			.uri("/v2/batches/{ref}", batchRef)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.retrieve()
			.bodyToMono(JSON_OBJECT)
			.block(CALL_TIMEOUT);
		Object location = (answer != null) ? answer.get("location") : null;
		Object href = (location instanceof Map<?, ?> map) ? map.get("href") : null;
		if (!(href instanceof String url)) {
			throw new IllegalStateException("Sitecore's answer to the announcement of batch " + batchRef
					+ " has no location.href to upload to");
		}
		// As given: re-encoding would break the presigned signature.
		return URI.create(url);
	}

	/** Uploads the file; {@code false} when the URL had expired. */
	private boolean upload(URI url, BatchFile file) {
		try {
			this.uploads.put()
				.uri(url)
				.header("Content-Md5", file.md5Base64())
				.header("x-amz-server-side-encryption", "AES256")
				.contentType(MediaType.parseMediaType("application/gzip"))
				.contentLength(file.size())
				.body(BodyInserters.fromResource(new FileSystemResource(file.path())))
				.retrieve()
				.toBodilessEntity()
				.block(CALL_TIMEOUT);
			return true;
		}
		catch (WebClientResponseException ex) {
			if (ex.getStatusCode().value() == 403 && ex.getResponseBodyAsString().contains("expired")) {
				return false;
			}
			throw new IllegalStateException("The upload host answered " + ex.getStatusCode().value() + ": "
					+ s3Message(ex.getResponseBodyAsString()), ex);
		}
	}

	private BatchResult awaitFinalStatus(UUID batchRef, BatchFile file, List<BatchResult> succeeded) {
		Instant deadline = this.clock.instant().plus(this.settings.maxWait());
		// Also in real time: a clock that stands still (a test's) must not make the wait endless.
		long realDeadline = System.nanoTime() + this.settings.maxWait().toNanos();
		Duration wait = this.settings.pollInterval();
		BatchStatus last = BatchStatus.UPLOADING;
		while (true) {
			Map<String, Object> answer = this.batchApi.get()
				.uri("/v2/batches/{ref}", batchRef)
				.retrieve()
				.bodyToMono(JSON_OBJECT)
				.block(CALL_TIMEOUT);
			Object status = (answer != null) ? answer.get("status") : null;
			Map<?, ?> statusFields = (status instanceof Map<?, ?> map) ? map : Map.of();
			BatchStatus current = BatchStatus.of(String.valueOf(statusFields.get("code")));
			if (current != last) {
				BatchStatus changed = current;
				tell(() -> this.listener.statusChanged(batchRef, changed));
				last = current;
			}
			if (current.isFinal()) {
				List<FailedRecord> failed = new ArrayList<>();
				long failedCount = (current == BatchStatus.ERROR) ? errorLog(statusFields.get("log"), failed) : 0;
				BatchResult result = new BatchResult(batchRef, current, file.records(), file.size(), file.firstRef(),
						file.lastRef(), failed, failedCount);
				tell(() -> this.listener.finished(result));
				if (current != BatchStatus.SUCCESS) {
					logger.warn("Batch " + batchRef + " ended " + current.name().toLowerCase(java.util.Locale.ROOT)
							+ ((current == BatchStatus.ERROR) ? " with " + failedCount + " failed records" : ""));
					throw new BatchImportException("Batch " + batchRef + " (records " + file.firstRef() + " to "
							+ file.lastRef() + ") ended " + current.name().toLowerCase(java.util.Locale.ROOT)
							+ ((current == BatchStatus.ERROR) ? " with " + failedCount + " failed records" : "")
							+ succeededSoFar(succeeded), succeeded, result, null);
				}
				logger.info("Batch " + batchRef + " succeeded (" + file.records() + " records)");
				return result;
			}
			Duration left = min(Duration.between(this.clock.instant(), deadline),
					Duration.ofNanos(realDeadline - System.nanoTime()));
			if (left.isNegative() || left.isZero()) {
				// Given up only after a poll at the deadline.
				throw new IllegalStateException("Batch " + batchRef + " is still " + current + " after "
						+ this.settings.maxWait() + " (sitecore.cdp.batch.max-wait)");
			}
			sleep(min(wait, left));
			wait = min(wait.multipliedBy(2), this.settings.maxPollInterval());
		}
	}

	/**
	 * Reads the error log line by line, keeping the first records and counting them all:
	 * a log can list every record of a 50 MB file.
	 */
	private long errorLog(@Nullable Object log, List<FailedRecord> kept) {
		if (!(log instanceof String url)) {
			return 0;
		}
		long[] count = new long[1];
		this.uploads.get()
			.uri(URI.create(url))
			.retrieve()
			// Flux<String>: the decoder splits lines, so no line but one is held at a time.
			.bodyToFlux(String.class)
			.filter((line) -> !line.isBlank())
			.doOnNext((line) -> {
				count[0]++;
				if (kept.size() < BatchResult.MAX_FAILED_RECORDS_KEPT) {
					kept.add(failedRecord(line));
				}
			})
			.blockLast(CALL_TIMEOUT);
		return count[0];
	}

	static FailedRecord failedRecord(String line) {
		Map<String, String> fields = new LinkedHashMap<>();
		Matcher field = LOG_FIELD.matcher(line);
		while (field.find()) {
			String value = field.group(2);
			fields.putIfAbsent(field.group(1),
					value.startsWith("\"") ? unescape(value.substring(1, value.length() - 1)) : value);
		}
		return new FailedRecord(fields.get("ref"), fields.getOrDefault("code", "UNKNOWN"),
				fields.getOrDefault("message", line));
	}

	/** Decodes the escapes of a JSON string. */
	private static String unescape(String text) {
		if (text.indexOf('\\') < 0) {
			return text;
		}
		StringBuilder out = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c != '\\' || i + 1 >= text.length()) {
				out.append(c);
				continue;
			}
			char next = text.charAt(++i);
			switch (next) {
				case 'n' -> out.append('\n');
				case 'r' -> out.append('\r');
				case 't' -> out.append('\t');
				case 'b' -> out.append('\b');
				case 'f' -> out.append('\f');
				case 'u' -> {
					if (i + 4 < text.length()) {
						out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
						i += 4;
					}
				}
				default -> out.append(next);
			}
		}
		return out.toString();
	}

	private void tell(Runnable call) {
		// A listener only hears the progress: its failure must not turn a batch that
		// succeeded into one reported as failed, which would be imported again.
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			logger.warn("A BatchImportListener failed: " + ex);
		}
	}

	private Path spoolDirectory() {
		Path directory = this.settings.spoolDirectory();
		return (directory != null) ? directory : Path.of(System.getProperty("java.io.tmpdir"));
	}

	private static String succeededSoFar(List<BatchResult> succeeded) {
		if (succeeded.isEmpty()) {
			return "; no batch of this import succeeded";
		}
		return "; the " + succeeded.size() + " batches before succeeded, up to record "
				+ succeeded.get(succeeded.size() - 1).lastRecordRef();
	}

	private static String describe(RuntimeException ex) {
		if (ex instanceof WebClientResponseException response) {
			return "Sitecore answered " + response.getStatusCode().value()
					+ ((response.getStatusCode().value() == 401)
							? " (check sitecore.cdp.basic-auth.client-key and sitecore.cdp.basic-auth.api-token)" : "");
		}
		return String.valueOf(ex.getMessage());
	}

	private static String s3Message(String body) {
		Matcher message = S3_MESSAGE.matcher(body);
		return message.find() ? message.group(1) : "(no message)";
	}

	private static void sleep(Duration wait) {
		try {
			Thread.sleep(wait.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for a batch", ex);
		}
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
	 * How an import writes, spools and waits.
	 *
	 * @param maxFileSize the largest file, compressed
	 * @param spoolDirectory where files are written, or {@code null} for the JVM's
	 * temporary directory
	 * @param pollInterval the first wait between two status polls
	 * @param maxPollInterval the longest wait between two status polls
	 * @param maxWait the longest wait for one batch's final status
	 */
	public record Settings(long maxFileSize, @Nullable Path spoolDirectory, Duration pollInterval,
			Duration maxPollInterval, Duration maxWait) {
	}

}

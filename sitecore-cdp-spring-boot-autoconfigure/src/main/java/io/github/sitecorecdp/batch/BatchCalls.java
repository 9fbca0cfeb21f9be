package io.github.sitecorecdp.batch;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.sitecorecdp.retry.RetryPolicy;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * The four calls of the Batch API, each made safe to repeat: status polls, uploads and
 * error-log reads are retried by the {@link RetryPolicy}; an announcement, which creates
 * a batch, is repeated only with the same ref and only after a status read found no
 * batch of that ref, so that one file never becomes two batches.
 *
 * @author sitecore-cdp-spring-boot
 */
final class BatchCalls {

	private static final Pattern S3_MESSAGE = Pattern.compile("<Message>(.*?)</Message>");

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final WebClient batchApi;

	private final WebClient uploads;

	private final RetryPolicy retry;

	private final Duration statusLag;

	private final Duration pollInterval;

	/**
	 * Create the calls.
	 * @param statusLag how long Sitecore's status may still say {@code uploading} after the
	 * file reached storage
	 * @param pollInterval the wait between two status reads while that lag is waited out
	 */
	BatchCalls(WebClient batchApi, WebClient uploads, RetryPolicy retry, Duration statusLag, Duration pollInterval) {
		this.batchApi = batchApi;
		this.uploads = uploads;
		this.retry = retry;
		this.statusLag = statusLag;
		this.pollInterval = pollInterval;
	}

	RetryPolicy retry() {
		return this.retry;
	}

	/**
	 * Announce a file as a batch of this ref. Sitecore asks refs to be unique across all
	 * batches, and does not say what a second {@code PUT} of a ref does; so after a failed
	 * attempt, whose request may have been acted on, the batch is read first and announced
	 * again only if Sitecore has none of that ref. A {@code 409} is checked the same way,
	 * whichever attempt's {@code PUT} gets it: a status read that does not see a batch yet
	 * does not prove that an earlier attempt created none.
	 * @return where to upload, or that the file is there already
	 */
	Announcement announce(UUID batchRef, BatchFile file) {
		AtomicInteger attempts = new AtomicInteger();
		Mono<Announcement> attempt = Mono.defer(() -> (attempts.getAndIncrement() == 0) ? put(batchRef, file)
				: existing(batchRef, file, null));
		return block(this.retry.apply("batch.announce", attempt));
	}

	/** A {@code PUT} whose {@code 409} is answered by the batch Sitecore has of this ref. */
	private Mono<Announcement> put(UUID batchRef, BatchFile file) {
		return putOnce(batchRef, file).onErrorResume(BatchCalls::isConflict, (ex) -> existing(batchRef, file, ex));
	}

	private Mono<Announcement> putOnce(UUID batchRef, BatchFile file) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("checksum", file.md5Hex());
		body.put("size", file.size());
		return this.batchApi.put()
			.uri("/v2/batches/{ref}", batchRef)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.retrieve()
			.bodyToMono(JSON_OBJECT)
			.map((answer) -> Announcement.uploadTo(uploadHref(answer, batchRef)));
	}

	/** The batch as Sitecore has it: announced again only if it has none of this ref. */
	private Mono<Announcement> existing(UUID batchRef, BatchFile file, @Nullable Throwable conflict) {
		return statusOnce(batchRef).flatMap((status) -> {
			if (!file.md5Hex().equalsIgnoreCase(String.valueOf(status.checksum()))
					|| status.size() == null || status.size() != file.size()) {
				return Mono.<Announcement>error(new IllegalStateException("Sitecore already has a batch " + batchRef
						+ " for another file; refs are random UUIDs, so this should never happen: start again"));
			}
			if (!status.code().equals("uploading")) {
				return Mono.just(Announcement.ALREADY_UPLOADED);
			}
			if (status.uploadHref() == null) {
				return Mono.<Announcement>error(new IllegalStateException(
						"Sitecore has batch " + batchRef + " but its status gives no upload location"));
			}
			return Mono.just(Announcement.uploadTo(status.uploadHref()));
		}).switchIfEmpty(Mono.defer(() -> (conflict != null) ? Mono.error(conflict) : put(batchRef, file)));
	}

	/**
	 * Upload the file. After an attempt whose outcome is unknown (no answer, or a
	 * {@code 5xx}: the storage host may have stored the file and lost only its answer), a
	 * retry first waits for Sitecore's status to leave {@code uploading}, for as long as
	 * the status may lag; only a status that still says {@code uploading} after that is
	 * taken as "not there", and the file is sent again. A status read once is not enough:
	 * it may be older than the file, and a second upload may be processed as a second
	 * file.
	 * @return {@code true} when the file is uploaded, {@code false} when the URL had
	 * expired before it was
	 * @throws UploadFailedException when the upload did not succeed, saying whether the
	 * file may have reached storage
	 */
	boolean upload(UUID batchRef, URI url, BatchFile file, Duration limit) {
		AtomicInteger attempts = new AtomicInteger();
		AtomicBoolean uncertain = new AtomicBoolean();
		Mono<Boolean> attempt = Mono.defer(() -> {
			Mono<Boolean> put = putFile(url, file).thenReturn(true).doOnError((ex) -> {
				if (!isStorageRefusal(ex)) {
					uncertain.set(true);
				}
			}).onErrorResume(BatchCalls::isExpired, (ex) -> stillUploading(batchRef, uncertain.get()).map((up) -> !up));
			if (attempts.getAndIncrement() == 0 || !uncertain.get()) {
				return put;
			}
			return stillUploading(batchRef, true).flatMap((up) -> up ? put : Mono.just(true));
		});
		try {
			return block(this.retry.apply("batch.upload", attempt, limit));
		}
		catch (RuntimeException ex) {
			// block() wraps a checked failure (the deadline's TimeoutException).
			Throwable failure = reactor.core.Exceptions.unwrap(ex);
			throw new UploadFailedException(uncertain.get() || !isStorageRefusal(failure), failure);
		}
	}

	/**
	 * Whether the batch still says {@code uploading}: read once, or, when an upload may
	 * have reached storage, read until it says otherwise or the status lag is over.
	 */
	private Mono<Boolean> stillUploading(UUID batchRef, boolean waitOutLag) {
		Mono<Boolean> read = statusOnce(batchRef).map((status) -> status.code().equals("uploading"))
			.defaultIfEmpty(true);
		if (!waitOutLag) {
			return read;
		}
		return Mono.defer(() -> {
			long end = System.nanoTime() + this.statusLag.toNanos();
			return read.filter((up) -> !up || System.nanoTime() - end >= 0)
				.repeatWhenEmpty((reads) -> reads.delayElements(this.pollInterval));
		});
	}

	/**
	 * The storage host's answer that it did not take the file: a {@code 4xx}, whose
	 * request S3 refused before storing anything. A {@code 5xx} or no answer at all leaves
	 * it unknown.
	 */
	static boolean isStorageRefusal(Throwable ex) {
		return ex instanceof WebClientResponseException response && response.getStatusCode().is4xxClientError();
	}

	private Mono<Void> putFile(URI url, BatchFile file) {
		return this.uploads.put()
			.uri(url)
			.header("Content-Md5", file.md5Base64())
			.header("x-amz-server-side-encryption", "AES256")
			.contentType(MediaType.parseMediaType("application/gzip"))
			.contentLength(file.size())
			.body(BodyInserters.fromResource(new FileSystemResource(file.path())))
			.retrieve()
			.toBodilessEntity()
			.then();
	}

	/**
	 * Read a batch's status, retried within the time given.
	 * @return the status, or {@link BatchStatusAnswer#NONE} when Sitecore has no batch of
	 * this ref ({@code 404})
	 */
	BatchStatusAnswer status(UUID batchRef, Duration within) {
		Mono<BatchStatusAnswer> attempt = statusOnce(batchRef).defaultIfEmpty(BatchStatusAnswer.NONE);
		return block(this.retry.apply("batch.status", attempt, within));
	}

	/** One read of a batch's status; empty when Sitecore has no batch of this ref. */
	private Mono<BatchStatusAnswer> statusOnce(UUID batchRef) {
		return this.batchApi.get()
			.uri("/v2/batches/{ref}", batchRef)
			.retrieve()
			.toEntity(JSON_OBJECT)
			.map((entity) -> BatchStatusAnswer.of((entity.getBody() != null) ? entity.getBody() : Map.of(),
					entity.getHeaders().getDate()))
			.onErrorResume(WebClientResponseException.NotFound.class, (ex) -> Mono.empty());
	}

	/**
	 * Read an error log line by line, keeping the first records and counting them all. A
	 * retry reads it again from the start.
	 * @return how many records the log lists
	 */
	long errorLog(String url, List<FailedRecord> kept, Duration within) {
		Mono<Long> attempt = Mono.defer(() -> {
			kept.clear();
			ErrorLogLines lines = new ErrorLogLines();
			long[] count = new long[1];
			java.util.function.Consumer<String> take = (line) -> {
				if (!line.isBlank()) {
					if (kept.size() < BatchResult.MAX_FAILED_RECORDS_KEPT) {
						kept.add(ErrorLogLines.failedRecord(line));
					}
					count[0]++;
				}
			};
			Flux<DataBuffer> body = this.uploads.get().uri(URI.create(url)).retrieve().bodyToFlux(DataBuffer.class);
			return body.doOnNext((buffer) -> {
				try {
					lines.feed(buffer).forEach(take);
				}
				finally {
					DataBufferUtils.release(buffer);
				}
			}).then(Mono.fromCallable(() -> {
				lines.finish().forEach(take);
				return count[0];
			}));
		});
		return block(this.retry.apply("batch.error-log", attempt, within));
	}

	private static String uploadHref(Map<String, Object> answer, UUID batchRef) {
		String href = BatchStatusAnswer.of(answer, -1).uploadHref();
		if (href == null) {
			throw new IllegalStateException(
					"Sitecore's answer to the announcement of batch " + batchRef + " has no location.href to upload to");
		}
		return href;
	}

	private static boolean isConflict(Throwable ex) {
		return ex instanceof WebClientResponseException response && response.getStatusCode().value() == 409;
	}

	private static boolean isExpired(Throwable ex) {
		return ex instanceof WebClientResponseException response && response.getStatusCode().value() == 403
				&& response.getResponseBodyAsString().contains("expired");
	}

	static String s3Message(String body) {
		Matcher message = S3_MESSAGE.matcher(body);
		return message.find() ? message.group(1) : "(no message)";
	}

	private static <T> T block(Mono<T> call) {
		// Every call has its deadline inside; a value is always there, or an error.
		T value = call.block();
		if (value == null) {
			throw new IllegalStateException("A Batch API call completed without an answer");
		}
		return value;
	}

	/**
	 * Where to upload a file, or that it is uploaded already.
	 *
	 * @param uploadUrl the presigned URL, as given: re-encoding would break its signature
	 */
	record Announcement(@Nullable URI uploadUrl) {

		static final Announcement ALREADY_UPLOADED = new Announcement(null);

		static Announcement uploadTo(String href) {
			return new Announcement(URI.create(href));
		}

	}

	/**
	 * The fields of a status answer that the client reads.
	 *
	 * @param code the status as sent, {@code unknown} when there was none
	 * @param log the error log's URL
	 * @param checksum the announced checksum
	 * @param size the announced size
	 * @param uploadHref the upload location
	 * @param uploadExpiry when the upload location expires ({@code location.expiry})
	 * @param serverTime the answer's {@code Date}: the server's clock, which the expiry is
	 * on; this machine's may be minutes off
	 */
	record BatchStatusAnswer(String code, @Nullable String log, @Nullable String checksum, @Nullable Long size,
			@Nullable String uploadHref, @Nullable Instant uploadExpiry, @Nullable Instant serverTime) {

		/** Sitecore has no batch of the ref. */
		static final BatchStatusAnswer NONE = new BatchStatusAnswer("none", null, null, null, null, null, null);

		static BatchStatusAnswer of(Map<String, Object> answer, long dateMillis) {
			Map<?, ?> status = (answer.get("status") instanceof Map<?, ?> map) ? map : Map.of();
			Map<?, ?> location = (answer.get("location") instanceof Map<?, ?> map) ? map : Map.of();
			Object code = status.get("code");
			return new BatchStatusAnswer((code instanceof String text) ? text : "unknown",
					(status.get("log") instanceof String log) ? log : null,
					(answer.get("checksum") instanceof String checksum) ? checksum : null,
					(answer.get("size") instanceof Number size) ? size.longValue() : null,
					(location.get("href") instanceof String href) ? href : null,
					(location.get("expiry") instanceof String expiry) ? instant(expiry) : null,
					(dateMillis >= 0) ? Instant.ofEpochMilli(dateMillis) : null);
		}

		private static @Nullable Instant instant(String text) {
			try {
				return OffsetDateTime.parse(text).toInstant();
			}
			catch (DateTimeParseException ex) {
				return null;
			}
		}

	}

	/**
	 * An upload that did not succeed.
	 */
	static final class UploadFailedException extends RuntimeException {

		private final boolean mayHaveReachedStorage;

		UploadFailedException(boolean mayHaveReachedStorage, Throwable cause) {
			super(cause.getMessage(), cause);
			this.mayHaveReachedStorage = mayHaveReachedStorage;
		}

		/**
		 * Whether any attempt ended without the storage host's refusal: no answer, a
		 * timeout, or a {@code 5xx}.
		 * @return whether the file may be stored
		 */
		boolean mayHaveReachedStorage() {
			return this.mayHaveReachedStorage;
		}

	}

}

package io.github.sitecorecdp.batch;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

	BatchCalls(WebClient batchApi, WebClient uploads, RetryPolicy retry) {
		this.batchApi = batchApi;
		this.uploads = uploads;
		this.retry = retry;
	}

	RetryPolicy retry() {
		return this.retry;
	}

	/**
	 * Announce a file as a batch of this ref. Sitecore asks refs to be unique across all
	 * batches, and does not say what a second {@code PUT} of a ref does; so after a failed
	 * attempt, whose request may have been acted on, the batch is read first and announced
	 * again only if Sitecore has none of that ref. A {@code 409} is checked the same way.
	 * @return where to upload, or that the file is there already
	 */
	Announcement announce(UUID batchRef, BatchFile file) {
		AtomicInteger attempts = new AtomicInteger();
		Mono<Announcement> attempt = Mono.defer(() -> (attempts.getAndIncrement() == 0)
				? put(batchRef, file).onErrorResume(BatchCalls::isConflict, (ex) -> existing(batchRef, file, ex))
				: existing(batchRef, file, null));
		return block(this.retry.apply("batch.announce", attempt));
	}

	private Mono<Announcement> put(UUID batchRef, BatchFile file) {
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
	 * Upload the file. A retry first reads the batch's status: the attempt before may
	 * have stored the file and lost only its answer, and then the upload is done.
	 * @return {@code true} when the file is uploaded, {@code false} when the URL had
	 * expired before it was
	 */
	boolean upload(UUID batchRef, URI url, BatchFile file, Duration limit) {
		AtomicInteger attempts = new AtomicInteger();
		Mono<Boolean> attempt = Mono.defer(() -> {
			Mono<Boolean> put = putFile(url, file).thenReturn(true)
				.onErrorResume(BatchCalls::isExpired,
						(ex) -> statusOnce(batchRef).map((status) -> !status.code().equals("uploading"))
							.defaultIfEmpty(false));
			if (attempts.getAndIncrement() == 0) {
				return put;
			}
			return statusOnce(batchRef).map((status) -> status.code().equals("uploading"))
				.defaultIfEmpty(true)
				.flatMap((stillUploading) -> stillUploading ? put : Mono.just(true));
		});
		return block(this.retry.apply("batch.upload", attempt, limit));
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
	 * @return the status; an unknown ref is an error here
	 */
	BatchStatusAnswer status(UUID batchRef, Duration within) {
		Mono<BatchStatusAnswer> attempt = statusOnce(batchRef).switchIfEmpty(Mono.error(() -> new IllegalStateException(
				"Sitecore has no batch " + batchRef + " (GET /v2/batches/" + batchRef + " answered 404)")));
		return block(this.retry.apply("batch.status", attempt, within));
	}

	/** One read of a batch's status; empty when Sitecore has no batch of this ref. */
	private Mono<BatchStatusAnswer> statusOnce(UUID batchRef) {
		return this.batchApi.get()
			.uri("/v2/batches/{ref}", batchRef)
			.retrieve()
			.bodyToMono(JSON_OBJECT)
			.map(BatchStatusAnswer::of)
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
		String href = BatchStatusAnswer.of(answer).uploadHref();
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
	 */
	record BatchStatusAnswer(String code, @Nullable String log, @Nullable String checksum, @Nullable Long size,
			@Nullable String uploadHref) {

		static BatchStatusAnswer of(Map<String, Object> answer) {
			Map<?, ?> status = (answer.get("status") instanceof Map<?, ?> map) ? map : Map.of();
			Map<?, ?> location = (answer.get("location") instanceof Map<?, ?> map) ? map : Map.of();
			Object code = status.get("code");
			return new BatchStatusAnswer((code instanceof String text) ? text : "unknown",
					(status.get("log") instanceof String log) ? log : null,
					(answer.get("checksum") instanceof String checksum) ? checksum : null,
					(answer.get("size") instanceof Number size) ? size.longValue() : null,
					(location.get("href") instanceof String href) ? href : null);
		}

	}

}

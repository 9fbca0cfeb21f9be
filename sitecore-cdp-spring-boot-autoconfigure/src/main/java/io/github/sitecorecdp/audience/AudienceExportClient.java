package io.github.sitecorecdp.audience;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;

import io.github.sitecorecdp.api.CdpApiErrors;
import io.github.sitecorecdp.retry.RetryListener;
import io.github.sitecorecdp.retry.RetryPolicy;
import io.github.sitecorecdp.retry.TransientFailures;
import io.github.sitecorecdp.token.CdpTokenException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Typed client of the Sitecore CDP Audience export API (v2).
 *
 * <p>
 * API calls go through {@code cdpWebClient}, so token caching and the 401 replay apply.
 * Export files are fetched with a client that has no token filter at all: they are
 * presigned URLs on a storage host, which must never see the CDP token.
 *
 * <p>
 * Errors: a {@link io.github.sitecorecdp.api.CdpApiException} for error answers (a
 * {@link io.github.sitecorecdp.api.CdpNotFoundException} for an unknown reference), and
 * a {@link CdpExportExpiredException} when the file URLs have expired.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class AudienceExportClient {

	private static final int DOWNLOAD_DEMAND = 4;

	/** Longest record read when none is configured: 10 MiB, in characters. */
	public static final int DEFAULT_MAX_RECORD_LENGTH = 10 * 1024 * 1024;

	private final WebClient cdpWebClient;

	private final WebClient fileWebClient;

	private final Clock clock;

	private final RetryPolicy retry;

	private final int maxRecordLength;

	/**
	 * Create a new instance that reads records of up to
	 * {@link #DEFAULT_MAX_RECORD_LENGTH} characters.
	 * @param cdpWebClient the authenticated client of the CDP API host
	 * @param fileWebClient a client without the token filter, for presigned file URLs
	 * @param clock the clock that decides whether an export's URLs have expired
	 */
	public AudienceExportClient(WebClient cdpWebClient, WebClient fileWebClient, Clock clock) {
		this(cdpWebClient, fileWebClient, clock, DEFAULT_MAX_RECORD_LENGTH);
	}

	/**
	 * Create a new instance.
	 * @param cdpWebClient the authenticated client of the CDP API host
	 * @param fileWebClient a client without the token filter, for presigned file URLs
	 * @param clock the clock that decides whether an export's URLs have expired
	 * @param maxRecordLength the longest record (one line of a file) read, in characters:
	 * a longer one fails the download instead of exhausting the heap
	 */
	public AudienceExportClient(WebClient cdpWebClient, WebClient fileWebClient, Clock clock, int maxRecordLength) {
		this(cdpWebClient, fileWebClient, clock, maxRecordLength,
				new RetryPolicy(RetryPolicy.Settings.DEFAULTS, RetryListener.NONE, clock));
	}

	/**
	 * Create a new instance.
	 * @param cdpWebClient the authenticated client of the CDP API host
	 * @param fileWebClient a client without the token filter, for presigned file URLs
	 * @param clock the clock that decides whether an export's URLs have expired
	 * @param maxRecordLength the longest record (one line of a file) read, in characters
	 * @param retry the retry policy of the export's GETs (outputs and reports), which are
	 * idempotent: a {@code 5xx}, {@code 429} or reset is tried again
	 */
	public AudienceExportClient(WebClient cdpWebClient, WebClient fileWebClient, Clock clock, int maxRecordLength,
			RetryPolicy retry) {
		Assert.isTrue(maxRecordLength > 0, "maxRecordLength must be positive");
		this.retry = retry;
		this.maxRecordLength = maxRecordLength;
		this.cdpWebClient = cdpWebClient;
		this.fileWebClient = fileWebClient;
		this.clock = clock;
	}

	/**
	 * Fetch the output of the newest finished job of an Audience export.
	 * @param audienceExportRef the export's friendly id or UUID
	 * @return the output
	 */
	public Mono<AudienceExportOutput> latestExport(String audienceExportRef) {
		return getOne("/v2/audienceExports/definitions/{ref}/latestExport", audienceExportRef,
				AudienceExportOutput.class);
	}

	/**
	 * Fetch the reports of the finished jobs of an Audience export.
	 * @param audienceExportRef the export's friendly id or UUID
	 * @return the reports
	 */
	public Flux<AudienceExportReport> reports(String audienceExportRef) {
		// Read whole before retrying: a retry of a half-read stream would repeat reports.
		Mono<List<AudienceExportReport>> read = Mono.defer(() -> get("/v2/audienceExports/definitions/{ref}/reports",
				audienceExportRef)
			.bodyToFlux(AudienceExportReport.class)
			.collectList());
		return this.retry.apply("export.reports", read)
			.flatMapIterable((reports) -> reports)
			.onErrorMap(AudienceExportClient::isTokenFailure, AudienceExportClient::tokenFailure);
	}

	/**
	 * Fetch the output of one job.
	 * @param jobExecutionRef the job execution's reference
	 * @return the output
	 */
	public Mono<AudienceExportOutput> export(String jobExecutionRef) {
		return getOne("/v2/audienceExports/executions/{ref}/export", jobExecutionRef, AudienceExportOutput.class);
	}

	/**
	 * Stream the guests of every file of an export, file by file, line by line. Files are
	 * decompressed as they arrive; no file is held in memory whole. Nothing is fetched
	 * until subscription.
	 * @param output an export's output
	 * @return one record per guest
	 */
	public Flux<ExportRecord> download(AudienceExportOutput output) {
		return Flux.defer(() -> {
			Instant expireAt = output.expireAt();
			if (expireAt != null && !this.clock.instant().isBefore(expireAt)) {
				return Flux.error(expired(output, "expired at " + expireAt));
			}
			List<ExportFile> files = output.files();
			return Flux.range(0, files.size()).concatMap((index) -> download(output, files.get(index), index), 0);
		});
	}

	private <T> Mono<T> getOne(String path, String ref, Class<T> type) {
		return this.retry.apply("export.output", Mono.defer(() -> get(path, ref).bodyToMono(type)))
			.onErrorMap(AudienceExportClient::isTokenFailure, AudienceExportClient::tokenFailure);
	}

	private WebClient.ResponseSpec get(String path, String ref) {
		return this.cdpWebClient.get()
			.uri(path, ref)
			.retrieve()
			.onStatus(HttpStatusCode::isError, CdpApiErrors::toException);
	}

	/**
	 * The token is fetched below WebClient's exchange, which wraps what fails there in a
	 * {@link WebClientRequestException}; callers of this typed client get the
	 * {@link CdpTokenException} itself.
	 */
	private static boolean isTokenFailure(Throwable ex) {
		return ex instanceof WebClientRequestException && ex.getCause() instanceof CdpTokenException;
	}

	private static Throwable tokenFailure(Throwable ex) {
		Throwable cause = ex.getCause();
		return (cause != null) ? cause : ex;
	}

	private Flux<ExportRecord> download(AudienceExportOutput output, ExportFile file, int index) {
		return Flux.defer(() -> {
			FileDownload download = new FileDownload(output, file, index);
			return Flux.<ExportRecord, LineReader>generate(
					() -> new LineReader(download.body(), output, file, index, this.maxRecordLength),
					LineReader::next, LineReader::close)
				.subscribeOn(Schedulers.boundedElastic());
		});
	}

	/**
	 * One file's bytes, as one stream however many GETs they take. The decoder reads this
	 * stream whole and never sees a retry: a fault before any byte arrived asks for the
	 * file again; a fault after asks for the rest only ({@code Range}), so no byte and no
	 * record is read twice or skipped, and the gzip decoder's state carries on untouched.
	 * The retries are the shared policy's; only what to ask each attempt is hand-written,
	 * because the policy cannot know where a stream stopped.
	 */
	private final class FileDownload {

		private final AudienceExportOutput output;

		private final ExportFile file;

		private final int index;

		/**
		 * Compressed bytes handed to the decoder so far. Written on the body's signals,
		 * which are serial, and read when the next attempt is made, after them.
		 */
		private volatile long received;

		/** The file's ETag, from the attempt that started it, if its host sent one. */
		private volatile @Nullable String etag;

		FileDownload(AudienceExportOutput output, ExportFile file, int index) {
			this.output = output;
			this.file = file;
			this.index = index;
		}

		Flux<DataBuffer> body() {
			return AudienceExportClient.this.retry.applyToStream("export.file", Flux.defer(this::attempt))
				.onErrorMap(TransientFailures::isTransientRead,
						(ex) -> new Stopped(RetryPolicy.describe(ex).replace("answered", "the file host answered"), ex));
		}

		private Flux<DataBuffer> attempt() {
			long from = this.received;
			String etag = this.etag;
			return AudienceExportClient.this.fileWebClient.get().uri(this.file.uri()).headers((headers) -> {
				if (from > 0) {
					headers.set(HttpHeaders.RANGE, "bytes=" + from + "-");
					if (etag != null) {
						// A changed file is refused (412) rather than spliced onto the old one.
						headers.set(HttpHeaders.IF_MATCH, etag);
						headers.set(HttpHeaders.IF_RANGE, etag);
					}
				}
			}).exchangeToFlux((response) -> answer(response, from, etag));
		}

		private Flux<DataBuffer> answer(ClientResponse response, long from, @Nullable String etag) {
			int status = response.statusCode().value();
			if (status == 403) {
				// What a storage host answers to a presigned URL past its expiry.
				return fail(response, expired(this.output,
						"were refused (403) by the file host at file " + (this.index + 1)));
			}
			if (status == 412 || status == 416) {
				return fail(response, changed("the file host refused the rest of it: " + status));
			}
			if (TransientFailures.isTransientStatus(status)) {
				// Built without the request: createException() would put the whole URL,
				// presigned signature included, in its message. Retried by the policy.
				return fail(response, WebClientResponseException.create(status, "", response.headers().asHttpHeaders(),
						new byte[0], null));
			}
			if (response.statusCode().isError()) {
				return fail(response, new Stopped("the file host answered " + status, null));
			}
			String answered = response.headers().asHttpHeaders().getETag();
			if (from == 0) {
				this.etag = answered;
				return count(response.bodyToFlux(DataBuffer.class));
			}
			if (etag != null && answered != null && !etag.equals(answered)) {
				return fail(response, changed("its ETag went from " + etag + " to " + answered));
			}
			if (status == 206) {
				String range = response.headers().asHttpHeaders().getFirst(HttpHeaders.CONTENT_RANGE);
				if (range == null || !range.startsWith("bytes " + from + "-")) {
					return fail(response, changed("the rest asked from byte " + from + " came as " + range));
				}
				return count(response.bodyToFlux(DataBuffer.class));
			}
			// The host ignored the Range: the bytes already read come again, and are dropped.
			return count(DataBufferUtils.skipUntilByteCount(response.bodyToFlux(DataBuffer.class), from));
		}

		private Flux<DataBuffer> count(Flux<DataBuffer> body) {
			return body.doOnNext((buffer) -> this.received += buffer.readableByteCount());
		}

		private Flux<DataBuffer> fail(ClientResponse response, Throwable failure) {
			return response.releaseBody().then(Mono.<DataBuffer>error(failure)).flux();
		}

		private Stopped changed(String how) {
			return new Stopped("it changed while it was read (" + how + ")", null).changed();
		}

	}

	/**
	 * Why a file's body stopped, told the caller by the {@link LineReader} once every
	 * record before it has been emitted, so that the count it gives is exact.
	 */
	private static final class Stopped extends RuntimeException {

		private final String what;

		private boolean changed;

		Stopped(String what, @Nullable Throwable cause) {
			super(what, cause, false, false);
			this.what = what;
		}

		Stopped changed() {
			this.changed = true;
			return this;
		}

		CdpExportDownloadException toException(AudienceExportOutput output, ExportFile file, int index,
				long emitted) {
			String message = "File " + (index + 1) + " (" + where(file) + ") of Audience export " + output.executionRef()
					+ " could not be downloaded: " + this.what + "; " + emitted + " of its records were emitted"
					+ (this.changed ? " and stay emitted: fetch the export again and read the file from its start"
							: "");
			Throwable cause = getCause();
			return (cause != null) ? new CdpExportDownloadException(message, cause)
					: new CdpExportDownloadException(message);
		}

	}

	/**
	 * The file's host and path: its query is the presigned signature, a credential.
	 */
	static String where(ExportFile file) {
		try {
			URI uri = file.uri();
			return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
		}
		catch (IllegalArgumentException ex) {
			return "a URL that is not valid";
		}
	}

	private static CdpExportExpiredException expired(AudienceExportOutput output, String what) {
		return new CdpExportExpiredException("The file URLs of Audience export " + output.executionRef() + " "
				+ what + "; fetch the export again for fresh URLs");
	}

	/**
	 * Reads one file's lines on a worker thread. Blocking is confined here: Reactor's
	 * {@code generate} calls {@link #next} on the bounded-elastic scheduler, and the body
	 * is pulled a few buffers at a time. Whatever ends the read (the last line, an error,
	 * a cancellation), {@link #close} closes the body stream, which cancels the response
	 * and frees its connection at once.
	 */
	private static final class LineReader {

		private final AudienceExportOutput output;

		private final ExportFile file;

		private final int index;

		private final int maxRecordLength;

		private final Flux<DataBuffer> body;

		private @Nullable InputStream stream;

		private @Nullable BoundedLineReader reader;

		private long lineNumber;

		/** Records emitted so far, for the message of a download that stops. */
		private long emitted;

		LineReader(Flux<DataBuffer> body, AudienceExportOutput output, ExportFile file, int index,
				int maxRecordLength) {
			this.body = body;
			this.output = output;
			this.file = file;
			this.index = index;
			this.maxRecordLength = maxRecordLength;
		}

		LineReader next(SynchronousSink<ExportRecord> sink) {
			try {
				BoundedLineReader lines = this.reader;
				if (lines == null) {
					InputStream in = DataBufferUtils.subscriberInputStream(this.body, DOWNLOAD_DEMAND);
					this.stream = in;
					lines = open(in, this.maxRecordLength);
					this.reader = lines;
				}
				String line = lines.readLine();
				this.lineNumber++;
				while (line != null && line.isBlank()) {
					line = lines.readLine();
					this.lineNumber++;
				}
				if (line == null) {
					sink.complete();
				}
				else {
					this.emitted++;
					sink.next(new ExportRecord(this.file, this.index, this.lineNumber, line));
				}
			}
			catch (BoundedLineReader.LineTooLongException ex) {
				sink.error(new CdpExportFormatException("Line " + (this.lineNumber + 1) + " of file " + (this.index + 1) + " ("
						+ where(this.file) + ") of Audience export " + this.output.executionRef() + " is "
						+ ex.getMessage() + "; raise sitecore.cdp.audience-export.max-record-size to read it", ex));
			}
			catch (IOException ex) {
				sink.error(unwrap(ex, this.file, this.index, this.output));
			}
			catch (Stopped ex) {
				sink.error(ex.toException(this.output, this.file, this.index, this.emitted));
			}
			return this;
		}

		void close() {
			try {
				if (this.reader != null) {
					this.reader.close();
				}
				else if (this.stream != null) {
					this.stream.close();
				}
			}
			catch (IOException ex) {
				// Nothing left to read from it.
			}
		}

		/**
		 * Sitecore's files are gzip-compressed; plain JSON lines are read too, in case a
		 * proxy or a future format decompresses them on the way.
		 */
		private static BoundedLineReader open(InputStream in, int maxRecordLength) throws IOException {
			BufferedInputStream buffered = new BufferedInputStream(in);
			buffered.mark(2);
			int first = buffered.read();
			int second = buffered.read();
			buffered.reset();
			boolean gzip = first == 0x1f && second == 0x8b;
			InputStream content = gzip ? new GZIPInputStream(buffered) : buffered;
			return new BoundedLineReader(new InputStreamReader(content, StandardCharsets.UTF_8), maxRecordLength);
		}

		/**
		 * A broken file (a malformed gzip stream, say) is reported with where it is. The
		 * body's own failures (an expired URL, an HTTP error) are not IOExceptions: the
		 * body stream rethrows them as they are, and they reach the caller unchanged.
		 */
		private static Throwable unwrap(IOException ex, ExportFile file, int index, AudienceExportOutput output) {
			return new CdpExportFormatException("File " + (index + 1) + " (" + where(file) + ") of Audience export "
					+ output.executionRef() + " could not be read: " + ex.getMessage(), ex);
		}


	}

}

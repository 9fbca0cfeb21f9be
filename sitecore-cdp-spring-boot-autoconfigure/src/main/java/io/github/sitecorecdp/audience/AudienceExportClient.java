package io.github.sitecorecdp.audience;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;

import io.github.sitecorecdp.api.CdpApiErrors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

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

	private final WebClient cdpWebClient;

	private final WebClient fileWebClient;

	private final Clock clock;

	/**
	 * Create a new instance.
	 * @param cdpWebClient the authenticated client of the CDP API host
	 * @param fileWebClient a client without the token filter, for presigned file URLs
	 * @param clock the clock that decides whether an export's URLs have expired
	 */
	public AudienceExportClient(WebClient cdpWebClient, WebClient fileWebClient, Clock clock) {
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
		return get("/v2/audienceExports/definitions/{ref}/latestExport", audienceExportRef)
			.bodyToMono(AudienceExportOutput.class);
	}

	/**
	 * Fetch the reports of the finished jobs of an Audience export.
	 * @param audienceExportRef the export's friendly id or UUID
	 * @return the reports
	 */
	public Flux<AudienceExportReport> reports(String audienceExportRef) {
		return get("/v2/audienceExports/definitions/{ref}/reports", audienceExportRef)
			.bodyToFlux(AudienceExportReport.class);
	}

	/**
	 * Fetch the output of one job.
	 * @param jobExecutionRef the job execution's reference
	 * @return the output
	 */
	public Mono<AudienceExportOutput> export(String jobExecutionRef) {
		return get("/v2/audienceExports/executions/{ref}/export", jobExecutionRef)
			.bodyToMono(AudienceExportOutput.class);
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

	private WebClient.ResponseSpec get(String path, String ref) {
		return this.cdpWebClient.get()
			.uri(path, ref)
			.retrieve()
			.onStatus(HttpStatusCode::isError, CdpApiErrors::toException);
	}

	private Flux<ExportRecord> download(AudienceExportOutput output, ExportFile file, int index) {
		Flux<DataBuffer> body = this.fileWebClient.get()
			.uri(file.uri())
			.exchangeToFlux((response) -> fileBody(output, index, response));
		return Flux.<ExportRecord, LineReader>generate(() -> new LineReader(body, file, index), LineReader::next,
				LineReader::close)
			.subscribeOn(Schedulers.boundedElastic());
	}

	private Flux<DataBuffer> fileBody(AudienceExportOutput output, int index, ClientResponse response) {
		if (response.statusCode().value() == 403) {
			// What a storage host answers to a presigned URL past its expiry.
			return response.releaseBody()
				.then(Mono.<DataBuffer>error(expired(output, "were refused (403) by the file host at file " + (index + 1))))
				.flux();
		}
		if (response.statusCode().isError()) {
			return response.<DataBuffer>createError().flux();
		}
		return response.bodyToFlux(DataBuffer.class);
	}

	private static CdpExportExpiredException expired(AudienceExportOutput output, String what) {
		return new CdpExportExpiredException("The file URLs of Audience export " + output.executionRef() + " "
				+ what + "; fetch the export again for fresh URLs");
	}

	/**
	 * Reads one file's lines on a worker thread. Blocking is confined here: Reactor's
	 * {@code generate} calls {@link #next} on the bounded-elastic scheduler, and the body
	 * is pulled a few buffers at a time.
	 */
	private static final class LineReader {

		private final ExportFile file;

		private final int index;

		private final Flux<DataBuffer> body;

		private BufferedReader reader;

		private long lineNumber;

		LineReader(Flux<DataBuffer> body, ExportFile file, int index) {
			this.body = body;
			this.file = file;
			this.index = index;
		}

		LineReader next(SynchronousSink<ExportRecord> sink) {
			try {
				if (this.reader == null) {
					this.reader = open(DataBufferUtils.subscriberInputStream(this.body, DOWNLOAD_DEMAND));
				}
				String line = this.reader.readLine();
				while (line != null && line.isBlank()) {
					line = this.reader.readLine();
				}
				if (line == null) {
					sink.complete();
				}
				else {
					sink.next(new ExportRecord(this.file, this.index, ++this.lineNumber, line));
				}
			}
			catch (IOException ex) {
				sink.error(unwrap(ex));
			}
			return this;
		}

		void close() {
			if (this.reader != null) {
				try {
					this.reader.close();
				}
				catch (IOException ex) {
					// Nothing left to read from it.
				}
			}
		}

		/**
		 * Sitecore's files are gzip-compressed; plain JSON lines are read too, in case a
		 * proxy or a future format decompresses them on the way.
		 */
		private static BufferedReader open(InputStream in) throws IOException {
			BufferedInputStream buffered = new BufferedInputStream(in);
			buffered.mark(2);
			int first = buffered.read();
			int second = buffered.read();
			buffered.reset();
			boolean gzip = first == 0x1f && second == 0x8b;
			InputStream content = gzip ? new GZIPInputStream(buffered) : buffered;
			return new BufferedReader(new InputStreamReader(content, StandardCharsets.UTF_8));
		}

		/**
		 * The body's own failure (an expired URL, an HTTP error) reaches the reader
		 * wrapped in an IOException; callers should see the original.
		 */
		private static Throwable unwrap(IOException ex) {
			Throwable cause = ex.getCause();
			return (cause instanceof RuntimeException) ? cause : ex;
		}

	}

}

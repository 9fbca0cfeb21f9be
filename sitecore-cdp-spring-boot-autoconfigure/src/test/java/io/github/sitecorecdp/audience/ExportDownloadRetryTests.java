package io.github.sitecorecdp.audience;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeExportJob;
import io.github.sitecorecdp.fake.FakeFileHost;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.RecordedCdpRequest;
import io.github.sitecorecdp.retry.RetryListener;
import io.github.sitecorecdp.retry.RetryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An export file's download is retried after a transient fault and goes on from where it
 * stopped: every record of the file arrives once, in order, or the download fails saying
 * how many did.
 */
class ExportDownloadRetryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final List<String> LINES = IntStream.range(0, 5000)
		.mapToObj((i) -> "{\"guest\":" + i + ",\"email\":\"guest" + i + "@example.com\"}")
		.toList();

	private final FakeTokenEndpoint tokenEndpoint = FakeTokenEndpoint.start();

	private final FakeCdpApi api = FakeCdpApi.start(this.tokenEndpoint);

	private final FakeFileHost fileHost = this.api.fileHost();

	private final FakeExportJob job = this.api.audienceExport("aud").addJob("exec-1").addFile("add", LINES);

	private final RecordedDelays delays = new RecordedDelays();

	private final List<String> retried = new CopyOnWriteArrayList<>();

	private final List<String> gaveUp = new CopyOnWriteArrayList<>();

	private RetryListener onRetry = new RetryListener() {
	};

	private final RetryListener listener = new RetryListener() {

		@Override
		public void retrying(String call, long retry, Throwable failure) {
			ExportDownloadRetryTests.this.retried.add(call);
			ExportDownloadRetryTests.this.onRetry.retrying(call, retry, failure);
		}

		@Override
		public void gaveUp(String call, long attempts, Throwable failure) {
			ExportDownloadRetryTests.this.gaveUp.add(call + " after " + attempts);
		}

	};

	private final AudienceExportClient client = new AudienceExportClient(WebClient.create(), WebClient.create(),
			Clock.systemUTC(), AudienceExportClient.DEFAULT_MAX_RECORD_LENGTH,
			new RetryPolicy(new RetryPolicy.Settings(3, Duration.ofMillis(5), Duration.ofMillis(20),
					Duration.ofMinutes(1)), this.listener, Clock.systemUTC(), System::nanoTime, this.delays));

	@AfterEach
	void stop() {
		this.api.close();
		this.tokenEndpoint.close();
	}

	@Test
	void whenTheFileHostAnswers503OnceThenTheDownloadIsRetriedAndEveryRecordComesOnce() {
		this.fileHost.failNextFileRequests(1, 503);
		assertThat(download()).containsExactlyElementsOf(LINES);
		assertThat(statuses()).containsExactly(503, 200);
		assertThat(this.retried).containsExactly("export.file");
	}

	@Test
	void whenTheFileHostAnswers503ForeverThenTheDownloadGivesUpNamingTheFile() {
		this.fileHost.failFileDownloads(503);
		assertThatExceptionOfType(CdpExportDownloadException.class).isThrownBy(this::download)
			.withMessageContaining("File 1 (" + this.fileHost.baseUrl() + "/exports/exec-1/0.jsonl.gz)")
			.withMessageContaining("answered 503")
			.withMessageContaining("0 of its records were emitted")
			.withMessageNotContaining("X-Amz-Signature");
		assertThat(statuses()).containsExactly(503, 503, 503);
		assertThat(this.gaveUp).containsExactly("export.file after 3");
	}

	@Test
	void whenTheFileHostThrottlesWithRetryAfterThenTheRetryWaitsAtLeastThatLong() {
		this.fileHost.throttleNextFileDownloads(1, Duration.ofSeconds(7));
		assertThat(download()).containsExactlyElementsOf(LINES);
		assertThat(statuses()).containsExactly(429, 200);
		assertThat(this.delays.asked).contains(Duration.ofSeconds(7));
	}

	@Test
	void whenTheConnectionIsCutMidFileThenTheRestIsAskedForWithARangeAndEveryRecordComesOnceInOrder() {
		int cut = fileSize() / 2;
		this.fileHost.cutNextFileDownloads(1, cut);
		assertThat(download()).containsExactlyElementsOf(LINES);
		List<RecordedCdpRequest> requests = this.fileHost.requests();
		assertThat(requests).extracting(RecordedCdpRequest::status).containsExactly(200, 206);
		assertThat(requests.get(0).header("Range")).isNull();
		assertThat(requests.get(1).header("Range")).isEqualTo("bytes=" + cut + "-");
		assertThat(requests.get(1).header("If-Match")).startsWith("\"");
	}

	@Test
	void whenTheHostIgnoresTheRangeThenTheBytesAlreadyReadAreSkippedAndEveryRecordComesOnce() {
		int cut = fileSize() / 2;
		this.fileHost.ignoreRanges().cutNextFileDownloads(1, cut);
		assertThat(download()).containsExactlyElementsOf(LINES);
		assertThat(statuses()).containsExactly(200, 200);
	}

	@Test
	void whenTheFileChangesBetweenAttemptsThenTheDownloadFailsSayingHowManyRecordsWereEmitted() {
		int cut = fileSize() / 2;
		this.fileHost.cutNextFileDownloads(1, cut);
		this.onRetry = new RetryListener() {

			@Override
			public void retrying(String call, long retry, Throwable failure) {
				ExportDownloadRetryTests.this.job.replaceFile(0, List.of("{\"other\":1}"));
			}

		};
		List<String> emitted = new ArrayList<>();
		assertThatExceptionOfType(CdpExportDownloadException.class)
			.isThrownBy(() -> this.client.download(output())
				.doOnNext((record) -> emitted.add(record.json()))
				.then()
				.block(TIMEOUT))
			.withMessageContaining("/exports/exec-1/0.jsonl.gz")
			.withMessageContaining("changed")
			.satisfies((ex) -> assertThat(ex.getMessage()).contains(emitted.size() + " of its records were emitted"))
			.withMessageNotContaining("X-Amz-Signature");
		assertThat(emitted).isNotEmpty().isEqualTo(LINES.subList(0, emitted.size()));
		assertThat(statuses()).containsExactly(200, 412);
	}

	@Test
	void whenTheFileHostAnswers404ThenTheDownloadIsNotRetried() {
		this.fileHost.failNextFileRequests(1, 404);
		assertThatExceptionOfType(CdpExportDownloadException.class).isThrownBy(this::download)
			.withMessageContaining("answered 404");
		assertThat(statuses()).containsExactly(404);
		assertThat(this.retried).isEmpty();
	}

	@Test
	void whenTheFileHostAnswers400ThenTheDownloadIsNotRetried() {
		this.fileHost.failNextFileRequests(1, 400);
		assertThatExceptionOfType(CdpExportDownloadException.class).isThrownBy(this::download)
			.withMessageContaining("answered 400");
		assertThat(statuses()).containsExactly(400);
	}

	private List<String> download() {
		return this.client.download(output()).map(ExportRecord::json).collectList().block(TIMEOUT);
	}

	private AudienceExportOutput output() {
		String url = this.api.fileUrl(this.job, 0).toString();
		return new AudienceExportOutput("exec-1", "aud", "aud", "key", null, 1, 1L,
				List.of(new ExportFile(url, 1L, "add")));
	}

	/**
	 * The file's compressed size, read as any client would; the read is then forgotten,
	 * and so are the fake's controls: ask before setting any.
	 */
	private int fileSize() {
		byte[] file = WebClient.create()
			.get()
			.uri(this.api.fileUrl(this.job, 0))
			.retrieve()
			.bodyToMono(byte[].class)
			.block(TIMEOUT);
		this.api.reset();
		return file.length;
	}

	private List<Integer> statuses() {
		return this.fileHost.requests().stream().map(RecordedCdpRequest::status).toList();
	}

	/**
	 * Runs what is scheduled at once, recording the delays asked for: the waits of the
	 * retries are checked exactly, and no test sleeps through them.
	 */
	static final class RecordedDelays implements Scheduler {

		final List<Duration> asked = new CopyOnWriteArrayList<>();

		@Override
		public Disposable schedule(Runnable task) {
			return Schedulers.boundedElastic().schedule(task);
		}

		@Override
		public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
			this.asked.add(Duration.ofNanos(unit.toNanos(delay)));
			return Schedulers.boundedElastic().schedule(task);
		}

		@Override
		public Worker createWorker() {
			return Schedulers.boundedElastic().createWorker();
		}

	}

}

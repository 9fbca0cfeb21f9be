package io.github.sitecorecdp.batch;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeBatches;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.retry.RetryListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What an import tells the application when something other than Sitecore's verdict ends
 * it: a bad source, a listener that throws, an unreadable error log, a status this client
 * does not know, a wait that runs out.
 */
class BatchImportOutcomeTests {

	@TempDir
	Path spool;

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.base-url=" + this.cdp.baseUrl(),
					"sitecore.cdp.basic-auth.client-key=" + FakeBatches.CLIENT_KEY,
					"sitecore.cdp.basic-auth.api-token=" + FakeBatches.API_TOKEN,
					"sitecore.cdp.batch.spool-directory=" + this.spool, "sitecore.cdp.batch.poll-interval=5ms",
					"sitecore.cdp.batch.max-poll-interval=20ms", "sitecore.cdp.batch.status-lag=300ms");
	}

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	@Test
	void whenTheFirstRecordIsNullThenTheImportIsRefusedNamingItsPosition() {
		List<BatchRecord> records = Arrays.asList(null, guest(1), guest(2));
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(records))
			.withMessageContaining("null record at position 1"));
		assertThat(this.cdp.api().batches().batches()).isEmpty();
		assertThat(this.spool).isEmptyDirectory();
	}

	@Test
	void whenARecordInTheMiddleIsNullThenTheImportIsRefusedNamingItsPosition() {
		List<BatchRecord> records = Arrays.asList(guest(1), guest(2), null, guest(3));
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(records))
			.withMessageContaining("null record at position 3"));
		assertThat(this.cdp.api().batches().batches()).isEmpty();
		assertThat(this.spool).isEmptyDirectory();
	}

	@Test
	void whenTheWaitRunsOutThenTheUploadedBatchIsNamedUnconfirmed() {
		this.cdp.api().batches().processingFor(1_000_000);
		List<BatchRecord> records = guests(10);
		contextRunner().withPropertyValues("sitecore.cdp.batch.max-wait=300ms")
			.run((context) -> assertThatExceptionOfType(BatchImportException.class)
				.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(records))
				.satisfies((ex) -> {
					String ref = this.cdp.api().batches().batches().get(0).ref();
					assertThat(ex).hasMessageContaining("Batch " + ref)
						.hasMessageContaining("unconfirmed")
						.hasMessageContaining("10 records");
				}));
	}

	@Test
	void whenAListenerThrowsACheckedExceptionAfterASuccessThenTheImportStillSucceeds() {
		BatchImportListener throwing = new BatchImportListener() {

			@Override
			public void finished(BatchResult result) {
				throw BatchImportOutcomeTests.<RuntimeException>sneaky(new Exception("listener failed"));
			}

		};
		contextRunner().withBean(BatchImportListener.class, () -> throwing)
			.run((context) -> assertThat(context.getBean(BatchImportClient.class).importRecords(guests(3)).records())
				.isEqualTo(3));
		assertThat(this.cdp.api().batches().batches()).singleElement()
			.satisfies((batch) -> assertThat(batch.status()).isEqualTo("success"));
	}

	@Test
	void whenARetryListenerThrowsThenATransientUploadFailureIsStillRetried() {
		this.cdp.api().batches().failNext(FakeBatches.Call.UPLOAD, 1, 503);
		contextRunner().withBean(RetryListener.class, () -> new RetryListener() {

			@Override
			public void retrying(String call, long retry, Throwable failure) {
				throw BatchImportOutcomeTests.<RuntimeException>sneaky(new Exception("listener broken"));
			}

		})
			.withPropertyValues("sitecore.cdp.retry.initial-backoff=5ms", "sitecore.cdp.retry.max-backoff=20ms")
			.run((context) -> assertThat(context.getBean(BatchImportClient.class).importRecords(guests(3)).batches())
				.singleElement()
				.satisfies((batch) -> assertThat(batch.status()).isEqualTo(BatchStatus.SUCCESS)));
		assertThat(this.cdp.api().batches().batches()).singleElement()
			.satisfies((batch) -> assertThat(batch.records()).isEqualTo(3));
		assertThat(this.spool).isEmptyDirectory();
	}

	@Test
	void whenTheWallClockJumpsAheadWhileWaitingThenTheBatchIsStillAwaited() {
		// A day ahead once the first status is heard: an NTP step or a resumed VM.
		AtomicBoolean jumped = new AtomicBoolean();
		Clock jumping = new Clock() {

			@Override
			public ZoneId getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(ZoneId zone) {
				return this;
			}

			@Override
			public Instant instant() {
				return Instant.now().plus(jumped.get() ? Duration.ofDays(1) : Duration.ZERO);
			}

		};
		BatchImportListener jump = new BatchImportListener() {

			@Override
			public void statusChanged(UUID batchRef, BatchStatus status) {
				jumped.set(true);
			}

		};
		this.cdp.api().batches().processingFor(3);
		contextRunner().withBean(SitecoreCdpAutoConfiguration.CLOCK_BEAN_NAME, Clock.class, () -> jumping)
			.withBean(BatchImportListener.class, () -> jump)
			.withPropertyValues("sitecore.cdp.batch.max-wait=1m")
			.run((context) -> assertThat(context.getBean(BatchImportClient.class).importRecords(guests(3)).records())
				.isEqualTo(3));
		assertThat(jumped).isTrue();
	}

	@Test
	void whenASourceThrowsACheckedExceptionThenTheFailureIsWrappedAndTheSpoolIsEmpty() {
		Iterator<BatchRecord> source = IntStream.range(0, 100).mapToObj((n) -> {
			if (n == 50) {
				throw BatchImportOutcomeTests.<RuntimeException>sneaky(new SQLException("cursor closed"));
			}
			return guest(n);
		}).iterator();
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(() -> source))
			.withCauseInstanceOf(SQLException.class)
			.withMessageContaining("cursor closed"));
		assertThat(this.spool).isEmptyDirectory();
		assertThat(this.cdp.api().batches().batches()).isEmpty();
	}

	@Test
	void whenTheErrorLogAnswers503OnceThenTheBatchIsReportedWithItsFailedRecords() {
		this.cdp.api().batches().refuseRecords((line) -> line.contains("guest1@"), 400, "Validation error");
		List<BatchRecord> records = guests(3);
		BatchImportListener failLogOnce = new BatchImportListener() {

			@Override
			public void statusChanged(UUID batchRef, BatchStatus status) {
				if (status == BatchStatus.ERROR) {
					BatchImportOutcomeTests.this.cdp.fileHost().failNextFileRequests(1, 503);
				}
			}

		};
		contextRunner().withBean(BatchImportListener.class, () -> failLogOnce)
			.run((context) -> assertThatExceptionOfType(BatchImportException.class)
				.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(records))
				.satisfies((ex) -> {
					assertThat(ex.failed()).isNotNull();
					assertThat(ex.failed().failedRecords())
						.containsExactly(new FailedRecord(records.get(1).ref().toString(), "400", "Validation error"));
				}));
	}

	@Test
	void whenTheErrorLogCannotBeReadThenTheBatchIsStillReportedInErrorAndFinished() {
		this.cdp.api().batches()
			.refuseRecords((line) -> true, 400, "Validation error")
			.failAlways(FakeBatches.Call.ERROR_LOG, 503);
		List<BatchResult> finished = new CopyOnWriteArrayList<>();
		BatchImportListener listener = new BatchImportListener() {

			@Override
			public void finished(BatchResult result) {
				finished.add(result);
			}

		};
		contextRunner().withBean(BatchImportListener.class, () -> listener)
			.withPropertyValues("sitecore.cdp.retry.initial-backoff=5ms", "sitecore.cdp.retry.max-backoff=10ms")
			.run((context) -> assertThatExceptionOfType(BatchImportException.class)
				.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(guests(3)))
				.satisfies((ex) -> {
					assertThat(ex.failed()).isNotNull();
					assertThat(ex.failed().status()).isEqualTo(BatchStatus.ERROR);
					assertThat(ex).hasMessageContaining("error log could not be read")
						.hasMessageContaining("storage host answered 503")
						.hasMessageNotContaining("Sitecore answered");
				}));
		assertThat(finished).singleElement().satisfies((result) -> assertThat(result.status()).isEqualTo(BatchStatus.ERROR));
	}

	@Test
	void whenAnErrorLogLineIsLongerThanTheCodecsBufferThenTheBatchIsStillReported() {
		String longMessage = "Validation error: " + "x".repeat(400_000);
		this.cdp.api().batches().refuseRecords((line) -> true, 400, longMessage);
		List<BatchRecord> records = guests(2);
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(records))
			.satisfies((ex) -> {
				assertThat(ex.failed()).isNotNull();
				assertThat(ex.failed().failedRecordCount()).isEqualTo(2);
				assertThat(ex.failed().failedRecords()).extracting(FailedRecord::ref)
					.containsExactly(records.get(0).ref().toString(), records.get(1).ref().toString());
				assertThat(ex.failed().failedRecords()).allSatisfy((failed) -> {
					assertThat(failed.code()).isEqualTo("400");
					assertThat(failed.message()).startsWith("Validation error: xxx");
				});
			}));
	}

	@Test
	void whenAnErrorLogLineHasAMalformedEscapeThenItIsKeptAsSent() {
		FailedRecord record = BatchImportClient.failedRecord("{\"ref\":\"r-1\",\"code\":400,\"message\":\"bad \\uZZ1\"}");
		assertThat(record).isEqualTo(new FailedRecord("r-1", "400", "bad \\uZZ1"));
	}

	@Test
	void whenSitecoreAnswersAStatusThisClientDoesNotKnowThenTheImportStopsKeepingTheValue() {
		this.cdp.api().batches().failNextBatchAs("cancelled");
		contextRunner().withPropertyValues("sitecore.cdp.batch.max-wait=3s")
			.run((context) -> assertThatExceptionOfType(BatchImportException.class)
				.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(guests(3)))
				.withMessageContaining("\"cancelled\""));
	}

	static List<BatchRecord> guests(int count) {
		return IntStream.range(0, count).mapToObj(BatchImportOutcomeTests::guest).toList();
	}

	static BatchRecord guest(int n) {
		return BatchRecord.guest(BatchMode.UPSERT,
				"{\"email\":\"guest" + n + "@example.com\",\"id\":\"" + UUID.randomUUID() + "\"}");
	}

	@SuppressWarnings("unchecked")
	static <T extends Throwable> T sneaky(Throwable ex) throws T {
		throw (T) ex;
	}

}

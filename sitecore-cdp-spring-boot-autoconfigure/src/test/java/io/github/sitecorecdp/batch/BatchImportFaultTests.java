package io.github.sitecorecdp.batch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeBatch;
import io.github.sitecorecdp.fake.FakeBatches;
import io.github.sitecorecdp.fake.FakeBatches.Call;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The fault matrix of the batch client against the fake: each row ends with every record
 * imported exactly once, or with an exception that names the unconfirmed batch; the spool
 * is empty and the storage host never sees credentials.
 */
class BatchImportFaultTests {

	@TempDir
	Path spool;

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private final FakeBatches batches = this.cdp.api().batches();

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.base-url=" + this.cdp.baseUrl(),
					"sitecore.cdp.basic-auth.client-key=" + FakeBatches.CLIENT_KEY,
					"sitecore.cdp.basic-auth.api-token=" + FakeBatches.API_TOKEN,
					"sitecore.cdp.batch.spool-directory=" + this.spool, "sitecore.cdp.batch.poll-interval=5ms",
					"sitecore.cdp.batch.max-poll-interval=20ms", "sitecore.cdp.batch.max-wait=3s",
					"sitecore.cdp.retry.initial-backoff=5ms", "sitecore.cdp.retry.max-backoff=20ms",
					"sitecore.cdp.retry.max-elapsed=3s", "sitecore.cdp.response-timeout=500ms");
	}

	@AfterEach
	void stop() {
		this.cdp.close();
		assertThat(this.spool).isEmptyDirectory();
		assertThat(this.cdp.fileHost().requests())
			.allSatisfy((request) -> assertThat(request.header("Authorization")).isNull());
	}

	@Test
	void whenTheAnnouncementAnswers503OnceThenTheRecordsArriveOnce() {
		this.batches.failNext(Call.ANNOUNCE, 1, 503);
		assertImportedOnce(5);
	}

	@Test
	void whenTheAnnouncementsResponseIsLostThenTheSameRefIsKeptAndTheRecordsArriveOnce() {
		this.batches.loseNextResponse(Call.ANNOUNCE, 1);
		assertImportedOnce(5);
	}

	@Test
	void whenTheAnnouncementIsResetThenTheRecordsArriveOnce() {
		this.batches.resetNext(Call.ANNOUNCE, 1);
		assertImportedOnce(5);
	}

	@Test
	void whenTheUploadAnswers503OnceThenTheRecordsArriveOnce() {
		this.batches.failNext(Call.UPLOAD, 1, 503);
		assertImportedOnce(5);
	}

	@Test
	void whenTheUploadsResponseIsLostThenItIsNotUploadedAgainAndTheRecordsArriveOnce() {
		this.batches.loseNextResponse(Call.UPLOAD, 1);
		assertImportedOnce(5);
		assertThat(this.cdp.fileHost().requests()).hasSize(1);
	}

	@Test
	void whenTheUploadIsResetThenTheRecordsArriveOnce() {
		this.batches.resetNext(Call.UPLOAD, 1);
		assertImportedOnce(5);
	}

	@Test
	void whenTheUploadAnswersLateThenTheTimeoutIsRetriedAndTheRecordsArriveOnce() {
		this.batches.delayNext(Call.UPLOAD, 1, Duration.ofSeconds(2));
		assertImportedOnce(5);
	}

	@Test
	void whenAStatusPollAnswers500OnceThenTheRecordsArriveOnce() {
		this.batches.failNext(Call.STATUS, 1, 500);
		assertImportedOnce(5);
	}

	@Test
	void whenAStatusPollIsThrottledWithRetryAfterThenTheWaitIsHonouredAndTheRecordsArriveOnce() {
		this.batches.throttleNext(Call.STATUS, 1, Duration.ofSeconds(1));
		long start = System.nanoTime();
		assertImportedOnce(5);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void whenTheErrorLogIsResetOnceThenTheRefusedRecordsAreStillNamed() {
		this.batches.refuseRecords((line) -> line.contains("guest2@"), 400, "Validation error")
			.resetNext(Call.ERROR_LOG, 1);
		List<BatchRecord> records = BatchImportOutcomeTests.guests(4);
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(records))
			.satisfies((ex) -> assertThat(ex.failed().failedRecords()).extracting(FailedRecord::ref)
				.containsExactly(records.get(2).ref().toString())));
	}

	@Test
	void whenTheAnnouncementAnswersLateThenTheRetryFindsTheBatchAndTheRecordsArriveOnce() {
		this.batches.delayNext(Call.ANNOUNCE, 1, Duration.ofSeconds(2));
		assertImportedOnce(5);
	}

	@Test
	void whenTheAnnouncementIsThrottledWithRetryAfterThenTheWaitIsHonouredAndTheRecordsArriveOnce() {
		this.batches.throttleNext(Call.ANNOUNCE, 1, Duration.ofSeconds(1));
		assertImportedOnceWaitingAtLeast(5, Duration.ofSeconds(1));
	}

	@Test
	void whenTheUploadIsThrottledWithRetryAfterThenTheWaitIsHonouredAndTheRecordsArriveOnce() {
		this.batches.throttleNext(Call.UPLOAD, 1, Duration.ofSeconds(1));
		assertImportedOnceWaitingAtLeast(5, Duration.ofSeconds(1));
	}

	@Test
	void whenAStatusPollIsResetThenTheRecordsArriveOnce() {
		this.batches.resetNext(Call.STATUS, 1);
		assertImportedOnce(5);
	}

	@Test
	void whenAStatusPollsResponseIsLostThenTheRecordsArriveOnce() {
		this.batches.loseNextResponse(Call.STATUS, 1);
		assertImportedOnce(5);
	}

	@Test
	void whenAStatusPollAnswersLateThenTheTimeoutIsRetriedAndTheRecordsArriveOnce() {
		this.batches.delayNext(Call.STATUS, 1, Duration.ofSeconds(2));
		assertImportedOnce(5);
	}

	@Test
	void whenTheErrorLogAnswersLateThenTheRefusedRecordsAreStillNamed() {
		this.batches.delayNext(Call.ERROR_LOG, 1, Duration.ofSeconds(2));
		assertRefusedRecordNamed();
	}

	@Test
	void whenTheErrorLogIsThrottledWithRetryAfterThenTheRefusedRecordsAreStillNamed() {
		this.batches.throttleNext(Call.ERROR_LOG, 1, Duration.ofSeconds(1));
		assertRefusedRecordNamed();
	}

	@Test
	void whenTheErrorLogsResponseIsLostThenTheRefusedRecordsAreStillNamed() {
		this.batches.loseNextResponse(Call.ERROR_LOG, 1);
		assertRefusedRecordNamed();
	}

	@Test
	void whenStatusPollsFailForeverThenTheBatchIsUnconfirmedAndAwaitBatchConfirmsItLater() {
		this.batches.failAlways(Call.STATUS, 503);
		List<BatchRecord> records = BatchImportOutcomeTests.guests(10);
		contextRunner().run((context) -> {
			BatchImportClient client = context.getBean(BatchImportClient.class);
			BatchImportException ex = org.junit.jupiter.api.Assertions.assertThrows(BatchImportException.class,
					() -> client.importRecords(records));
			assertThat(ex.succeeded()).isEmpty();
			assertThat(ex.failed()).isNull();
			UnconfirmedBatch unconfirmed = ex.unconfirmed();
			assertThat(unconfirmed).isNotNull();
			assertThat(unconfirmed.batchRef().toString()).isEqualTo(this.batches.batches().get(0).ref());
			assertThat(unconfirmed.records()).isEqualTo(10);
			assertThat(unconfirmed.firstRecordRef()).isEqualTo(records.get(0).ref());
			assertThat(unconfirmed.lastRecordRef()).isEqualTo(records.get(9).ref());
			assertThat(ex).hasMessageContaining("unconfirmed").hasMessageContaining("awaitBatch");
			this.batches.recover();
			BatchResult confirmed = client.awaitBatch(unconfirmed);
			assertThat(confirmed.status()).isEqualTo(BatchStatus.SUCCESS);
			assertThat(confirmed.lastRecordRef()).isEqualTo(records.get(9).ref());
		});
		assertThat(this.batches.batches()).singleElement().satisfies((batch) -> assertThat(batch.records()).isEqualTo(10));
	}

	@Test
	void whenTheUploadFailsForeverThenTheBatchIsUnconfirmedAndNothingIsSentTwice() {
		this.batches.failAlways(Call.UPLOAD, 503);
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(BatchImportOutcomeTests.guests(3)))
			.satisfies((ex) -> {
				assertThat(ex.unconfirmed()).isNotNull();
				assertThat(ex).hasMessageContaining("the storage host").hasMessageNotContaining("X-Amz-Signature");
			}));
		assertThat(this.batches.batches()).singleElement()
			.satisfies((batch) -> assertThat(batch.status()).isEqualTo("uploading"));
	}

	@Test
	void whenTheAnnouncementFailsForeverThenNothingWasImportedAndNoBatchIsUnconfirmed() {
		this.batches.failAlways(Call.ANNOUNCE, 503);
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(BatchImportOutcomeTests.guests(3)))
			.satisfies((ex) -> {
				assertThat(ex.unconfirmed()).isNull();
				assertThat(ex.failed()).isNull();
				assertThat(ex).hasMessageContaining("none of its records was imported");
			}));
		assertThat(this.batches.batches()).isEmpty();
	}

	@Test
	void whenAnAnnouncementIsRefusedWith400ThenItIsNotRetried() {
		this.batches.failAlways(Call.ANNOUNCE, 400);
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(BatchImportOutcomeTests.guests(3))));
		assertThat(this.cdp.api().requests()).hasSize(1);
	}

	private void assertImportedOnce(int count) {
		List<BatchRecord> records = BatchImportOutcomeTests.guests(count);
		contextRunner().run((context) -> assertThat(
				context.getBean(BatchImportClient.class).importRecords(records).records())
			.isEqualTo(count));
		List<FakeBatch> all = this.batches.batches();
		assertThat(all.stream().filter((batch) -> batch.records() > 0)).singleElement()
			.satisfies((batch) -> {
				assertThat(batch.status()).isEqualTo("success");
				assertThat(batch.records()).isEqualTo(count);
			});
	}

	private void assertImportedOnceWaitingAtLeast(int count, Duration wait) {
		long start = System.nanoTime();
		assertImportedOnce(count);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(wait);
	}

	/** Sitecore refuses one record of four; the failure names exactly that one. */
	private void assertRefusedRecordNamed() {
		this.batches.refuseRecords((line) -> line.contains("guest2@"), 400, "Validation error");
		List<BatchRecord> records = BatchImportOutcomeTests.guests(4);
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(records))
			.satisfies((ex) -> assertThat(ex.failed().failedRecords()).extracting(FailedRecord::ref)
				.containsExactly(records.get(2).ref().toString())));
	}

}

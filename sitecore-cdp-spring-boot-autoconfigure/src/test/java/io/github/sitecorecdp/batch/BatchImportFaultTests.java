package io.github.sitecorecdp.batch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeBatch;
import io.github.sitecorecdp.fake.FakeBatches;
import io.github.sitecorecdp.fake.FakeBatches.Call;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.fake.MutableClock;
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

	/** The fake's clock: stands still unless a test moves it (upload URL expiry). */
	private final MutableClock clock = MutableClock.startingNow();

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start(this.clock);

	private final FakeBatches batches = this.cdp.api().batches();

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.base-url=" + this.cdp.baseUrl(),
					"sitecore.cdp.basic-auth.client-key=" + FakeBatches.CLIENT_KEY,
					"sitecore.cdp.basic-auth.api-token=" + FakeBatches.API_TOKEN,
					"sitecore.cdp.batch.spool-directory=" + this.spool, "sitecore.cdp.batch.poll-interval=5ms",
					"sitecore.cdp.batch.max-poll-interval=20ms", "sitecore.cdp.batch.max-wait=3s",
					"sitecore.cdp.retry.initial-backoff=5ms", "sitecore.cdp.retry.max-backoff=20ms",
					"sitecore.cdp.retry.max-elapsed=3s", "sitecore.cdp.response-timeout=500ms",
					"sitecore.cdp.batch.status-lag=300ms");
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

	@Test
	void whenTheStorageHostRefusesTheUploadWith4xxThenTheBatchFailedNotUploadedWithItsRecordsNamed() {
		this.batches.failAlways(Call.UPLOAD, 400);
		List<BatchRecord> records = BatchImportOutcomeTests.guests(3);
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(records))
			.satisfies((ex) -> {
				assertThat(ex.unconfirmed()).isNull();
				assertThat(ex.failed()).isNotNull();
				assertThat(ex.failed().status()).isEqualTo(BatchStatus.NOT_UPLOADED);
				assertThat(ex.failed().batchRef().toString()).isEqualTo(this.batches.batches().get(0).ref());
				assertThat(ex.failed().records()).isEqualTo(3);
				assertThat(ex.failed().firstRecordRef()).isEqualTo(records.get(0).ref());
				assertThat(ex.failed().lastRecordRef()).isEqualTo(records.get(2).ref());
				assertThat(ex).hasMessageContaining("was not uploaded")
					.hasMessageContaining("the storage host answered 400")
					.hasMessageContaining("none of its records was imported")
					.hasMessageNotContaining("may have reached storage");
			}));
		// A 4xx is the storage host's refusal: not tried again.
		assertThat(this.cdp.fileHost().requests()).hasSize(1);
	}

	@Test
	void whenAnUploadFailedForGoodThenAwaitBatchSaysNotUploadedOnceItsUrlExpiredAndTheRecordsArriveOnce() {
		this.batches.failAlways(Call.UPLOAD, 500);
		List<BatchRecord> records = BatchImportOutcomeTests.guests(3);
		contextRunner().run((context) -> {
			BatchImportClient client = context.getBean(BatchImportClient.class);
			BatchImportException ex = org.junit.jupiter.api.Assertions.assertThrows(BatchImportException.class,
					() -> client.importRecords(records));
			UnconfirmedBatch unconfirmed = ex.unconfirmed();
			assertThat(unconfirmed).isNotNull();
			this.batches.recover();
			// Sitecore's clock: the URL expired an hour after the announcement, and the
			// status lag is over even on the Date header's whole seconds.
			this.clock.advance(Duration.ofHours(1).plusSeconds(2));
			long start = System.nanoTime();
			assertThatExceptionOfType(BatchImportException.class).isThrownBy(() -> client.awaitBatch(unconfirmed))
				.satisfies((notUploaded) -> {
					assertThat(notUploaded.unconfirmed()).isNull();
					assertThat(notUploaded.failed().status()).isEqualTo(BatchStatus.NOT_UPLOADED);
					assertThat(notUploaded.failed().batchRef()).isEqualTo(unconfirmed.batchRef());
					assertThat(notUploaded).hasMessageContaining("upload URL expired");
				});
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
			// Told so, the application sends the records again: they arrive once.
			client.importRecords(records);
		});
		assertThat(this.batches.batches()).extracting(FakeBatch::records).containsExactly(0L, 3L);
		assertThat(this.batches.batches().get(1).status()).isEqualTo("success");
	}

	@Test
	void whenAwaitBatchIsAskedBeforeTheUrlExpiredThenItWaitsUntilTheAnswerIsSure() {
		this.batches.failAlways(Call.UPLOAD, 500);
		contextRunner().run((context) -> {
			BatchImportClient client = context.getBean(BatchImportClient.class);
			UnconfirmedBatch unconfirmed = org.junit.jupiter.api.Assertions
				.assertThrows(BatchImportException.class,
						() -> client.importRecords(BatchImportOutcomeTests.guests(3)))
				.unconfirmed();
			this.batches.recover();
			// 200 ms before the URL expires on Sitecore's clock, 500 ms before the answer is
			// sure (status-lag 300ms); the fake's clock then moves with real time.
			this.clock.advance(Duration.ofHours(1).minusMillis(200));
			Thread ticking = new Thread(() -> {
				for (int i = 0; i < 200 && !Thread.currentThread().isInterrupted(); i++) {
					this.clock.advance(Duration.ofMillis(10));
					try {
						Thread.sleep(10);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			});
			ticking.start();
			try {
				assertThatExceptionOfType(BatchImportException.class).isThrownBy(() -> client.awaitBatch(unconfirmed))
					.satisfies((ex) -> assertThat(ex.failed().status()).isEqualTo(BatchStatus.NOT_UPLOADED));
			}
			finally {
				ticking.interrupt();
			}
		});
	}

	@Test
	void whenSitecoresDateStandsStillBeforeTheAnswerIsSureThenAwaitBatchEndsUnconfirmedAfterMaxWait() {
		this.batches.failAlways(Call.UPLOAD, 500);
		contextRunner().run((context) -> {
			BatchImportClient client = context.getBean(BatchImportClient.class);
			UnconfirmedBatch unconfirmed = org.junit.jupiter.api.Assertions
				.assertThrows(BatchImportException.class,
						() -> client.importRecords(BatchImportOutcomeTests.guests(3)))
				.unconfirmed();
			this.batches.recover();
			// The URL expired on Sitecore's clock, but its Date never gets past the status
			// lag (a caching proxy, a stopped clock): the verdict is never sure.
			this.clock.advance(Duration.ofHours(1));
			long start = System.nanoTime();
			assertThatExceptionOfType(BatchImportException.class).isThrownBy(() -> client.awaitBatch(unconfirmed))
				.satisfies((ex) -> {
					assertThat(ex.failed()).isNull();
					assertThat(ex.unconfirmed().batchRef()).isEqualTo(unconfirmed.batchRef());
				});
			// max-wait is 3s; the wait once polled for ever.
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		});
	}

	@Test
	void whenAwaitBatchIsAskedForARefSitecoreNeverHadThenItIsNotUploaded() {
		UnconfirmedBatch never = UnconfirmedBatch.of(UUID.randomUUID(), 3, 120, UUID.randomUUID(), UUID.randomUUID());
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).awaitBatch(never))
			.satisfies((ex) -> {
				assertThat(ex.unconfirmed()).isNull();
				assertThat(ex.failed().status()).isEqualTo(BatchStatus.NOT_UPLOADED);
				assertThat(ex).hasMessageContaining("announcement never arrived");
			}));
	}

	@Test
	void whenTheProcessStopsAfterTheAnnouncementThenTheRefToldBeforeTheUploadConfirmsTheBatch() {
		List<UnconfirmedBatch> kept = new CopyOnWriteArrayList<>();
		List<Integer> uploadsSeenWhenTold = new CopyOnWriteArrayList<>();
		BatchImportListener keeping = new BatchImportListener() {

			@Override
			public void announcing(UUID batchRef, BatchFile file) {
				uploadsSeenWhenTold.add(BatchImportFaultTests.this.cdp.fileHost().requests().size());
				kept.add(UnconfirmedBatch.of(batchRef, file.records(), file.size(), file.firstRef(), file.lastRef()));
			}

		};
		// The process "dies" with the status unknown: the application has only what the
		// listener kept.
		this.batches.failAlways(Call.STATUS, 503);
		List<BatchRecord> records = BatchImportOutcomeTests.guests(4);
		contextRunner().withBean(BatchImportListener.class, () -> keeping).run((context) -> {
			BatchImportClient client = context.getBean(BatchImportClient.class);
			assertThatExceptionOfType(BatchImportException.class).isThrownBy(() -> client.importRecords(records));
			this.batches.recover();
			assertThat(uploadsSeenWhenTold).containsExactly(0);
			UnconfirmedBatch recovered = kept.get(0);
			assertThat(recovered.batchRef().toString()).isEqualTo(this.batches.batches().get(0).ref());
			BatchResult confirmed = client.awaitBatch(recovered);
			assertThat(confirmed.status()).isEqualTo(BatchStatus.SUCCESS);
			assertThat(confirmed.lastRecordRef()).isEqualTo(records.get(3).ref());
		});
		assertThat(this.batches.batches()).singleElement().satisfies((batch) -> assertThat(batch.records()).isEqualTo(4));
	}

	@Test
	void whenTheReannouncementAfterAnExpiredUrlLosesItsAnswerAndGets409ThenTheRecordsArriveOnce() {
		this.batches.expireNextUploadUrls(1);
		List<UUID> announced = new CopyOnWriteArrayList<>();
		BatchImportListener faults = new BatchImportListener() {

			@Override
			public void announcing(UUID batchRef, BatchFile file) {
				announced.add(batchRef);
				if (announced.size() == 2) {
					// The new batch is created but its answer lost; the status read before the
					// retry does not see it yet, so the retry's PUT gets 409.
					BatchImportFaultTests.this.batches.loseNextResponse(Call.ANNOUNCE, 1).failNext(Call.STATUS, 1, 404);
				}
			}

		};
		List<BatchRecord> records = BatchImportOutcomeTests.guests(5);
		contextRunner().withBean(BatchImportListener.class, () -> faults)
			.run((context) -> assertThat(context.getBean(BatchImportClient.class).importRecords(records).records())
				.isEqualTo(5));
		assertThat(announced).hasSize(2);
		assertThat(this.cdp.api().requests()).anySatisfy((request) -> assertThat(request.status()).isEqualTo(409));
		assertThat(this.batches.batches()).extracting(FakeBatch::records).containsExactly(0L, 5L);
		assertThat(this.batches.batches().get(1).status()).isEqualTo("success");
	}

	@Test
	void whenTheUploadsResponseIsLostAndTheStatusLagsThenTheFileIsNotUploadedAgain() {
		this.batches.statusLag(3).loseNextResponse(Call.UPLOAD, 1);
		assertImportedOnce(5);
		assertThat(this.cdp.fileHost().requests()).hasSize(1);
	}

	@Test
	void whenTheStatusLagsLongerThanStatusLagThenTheFileIsUploadedAgain() {
		// The bound of the guarantee above, and proof that its test can fail: with no lag
		// waited out, a lagging status sends the file twice.
		this.batches.statusLag(3).loseNextResponse(Call.UPLOAD, 1);
		contextRunner().withPropertyValues("sitecore.cdp.batch.status-lag=0ms")
			.run((context) -> context.getBean(BatchImportClient.class).importRecords(BatchImportOutcomeTests.guests(5)));
		assertThat(this.cdp.fileHost().requests()).hasSize(2);
	}

	@Test
	void whenTheStorageHostIsSlowerThanTheMinimumUploadRateThenTheUploadFailsWithinItsLimitNamingTheProperties() {
		// The host takes the file and answers only after 30 s: slower than any rate allowed.
		this.batches.delayNext(Call.UPLOAD, 1, Duration.ofSeconds(30));
		contextRunner()
			.withPropertyValues("sitecore.cdp.batch.upload-timeout=1s", "sitecore.cdp.batch.min-upload-rate=1GB",
					"sitecore.cdp.response-timeout=20s")
			.run((context) -> {
				BatchImportClient client = context.getBean(BatchImportClient.class);
				// Timed from the call, not the context's start: a loaded machine starts slowly.
				long start = System.nanoTime();
				assertThatExceptionOfType(BatchImportException.class)
					.isThrownBy(() -> client.importRecords(BatchImportOutcomeTests.guests(3)))
					.satisfies((ex) -> {
						assertThat(ex.unconfirmed()).isNotNull();
						assertThat(ex).hasMessageContaining("batch.upload did not succeed within PT1S")
							.hasMessageContaining("sitecore.cdp.batch.upload-timeout")
							.hasMessageContaining("sitecore.cdp.batch.min-upload-rate");
					});
				// Without the upload's own limit, the response timeout (20s) would end it.
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
			});
	}

	@Test
	void whenThisMachinesClockIsHoursAheadThenTheRecordsArriveOnceAndNoBatchIsCalledNotUploadedEarly() {
		java.time.Clock ahead = java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(2));
		List<BatchRecord> records = BatchImportOutcomeTests.guests(3);
		this.batches.failAlways(Call.UPLOAD, 500);
		contextRunner().withBean(SitecoreCdpAutoConfiguration.CLOCK_BEAN_NAME, java.time.Clock.class, () -> ahead)
			.run((context) -> {
				BatchImportClient client = context.getBean(BatchImportClient.class);
				UnconfirmedBatch unconfirmed = org.junit.jupiter.api.Assertions
					.assertThrows(BatchImportException.class, () -> client.importRecords(records))
					.unconfirmed();
				this.batches.recover();
				java.time.Instant sure = this.batches.batches().get(0).uploadExpiresAt().plusMillis(300);
				// On this machine's clock the URL expired an hour ago; on Sitecore's it has not.
				this.clock.advance(Duration.ofHours(1).minusMillis(200));
				java.util.concurrent.atomic.AtomicReference<java.time.Instant> answeredAt = new java.util.concurrent.atomic.AtomicReference<>();
				Thread ticking = new Thread(() -> {
					for (int i = 0; i < 200 && !Thread.currentThread().isInterrupted(); i++) {
						this.clock.advance(Duration.ofMillis(10));
						try {
							Thread.sleep(10);
						}
						catch (InterruptedException ex) {
							return;
						}
					}
				});
				ticking.start();
				try {
					assertThatExceptionOfType(BatchImportException.class).isThrownBy(() -> {
						try {
							client.awaitBatch(unconfirmed);
						}
						finally {
							answeredAt.set(this.clock.instant());
						}
					}).satisfies((ex) -> assertThat(ex.failed().status()).isEqualTo(BatchStatus.NOT_UPLOADED));
				}
				finally {
					ticking.interrupt();
				}
				assertThat(answeredAt.get()).isAfter(sure);
				client.importRecords(records);
			});
		assertThat(this.batches.batches()).extracting(FakeBatch::records).containsExactly(0L, 3L);
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

package io.github.sitecorecdp.batch;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeBatch;
import io.github.sitecorecdp.fake.FakeBatches;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Imports through the Batch API of the fake: announcement, upload to the presigned URL,
 * polling, results and failures.
 */
class BatchImportClientTests {

	@TempDir
	Path spool;

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.base-url=" + this.cdp.baseUrl(),
					"sitecore.cdp.basic-auth.client-key=" + FakeBatches.CLIENT_KEY,
					"sitecore.cdp.basic-auth.api-token=" + FakeBatches.API_TOKEN,
					"sitecore.cdp.batch.spool-directory=" + this.spool, "sitecore.cdp.batch.poll-interval=5ms",
					"sitecore.cdp.batch.max-poll-interval=20ms");
	}

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	@Test
	void whenRecordsAreImportedThenOneBatchSucceedsWithAllOfThem() {
		List<BatchRecord> records = guests(50);
		contextRunner().run((context) -> {
			BatchImportResult result = context.getBean(BatchImportClient.class).importRecords(records);
			assertThat(result.batches()).singleElement().satisfies((batch) -> {
				assertThat(batch.status()).isEqualTo(BatchStatus.SUCCESS);
				assertThat(batch.records()).isEqualTo(50);
				assertThat(batch.firstRecordRef()).isEqualTo(records.get(0).ref());
				assertThat(batch.lastRecordRef()).isEqualTo(records.get(49).ref());
			});
		});
		assertThat(this.cdp.api().batches().batches()).singleElement().satisfies((batch) -> {
			assertThat(batch.status()).isEqualTo("success");
			assertThat(batch.records()).isEqualTo(50);
		});
		assertThat(this.spool).isEmptyDirectory();
	}

	@Test
	void whenRecordsExceedOneFileThenTheyGoInSeveralBatchesOneAfterAnother() {
		this.cdp.api().batches().processingFor(3);
		contextRunner().withPropertyValues("sitecore.cdp.batch.max-file-size=16KB").run((context) -> {
			BatchImportResult result = context.getBean(BatchImportClient.class)
				.importRecords(Flux.fromStream(() -> guests(3000).stream()))
				.block();
			assertThat(result.batches()).hasSizeGreaterThan(3).allSatisfy((batch) -> {
				assertThat(batch.status()).isEqualTo(BatchStatus.SUCCESS);
				assertThat(batch.size()).isLessThanOrEqualTo(16 * 1024);
			});
			assertThat(result.records()).isEqualTo(3000);
		});
		List<FakeBatch> batches = this.cdp.api().batches().batches();
		assertThat(batches).allSatisfy((batch) -> assertThat(batch.status()).isEqualTo("success"));
		assertThat(batches.stream().mapToLong(FakeBatch::records).sum()).isEqualTo(3000);
		// Each waited for through processing before the next was announced.
		assertThat(batches).allSatisfy((batch) -> assertThat(batch.polls()).isEqualTo(4));
	}

	@Test
	void whenABatchEndsInErrorThenTheImportStopsWithItsFailedRecords() {
		this.cdp.api().batches().failNextBatchAs("error");
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(guests(10).stream()))
			.satisfies((ex) -> {
				assertThat(ex.succeeded()).isEmpty();
				assertThat(ex.failed().status()).isEqualTo(BatchStatus.ERROR);
				assertThat(ex.failed().failedRecords()).extracting(FailedRecord::code).containsExactly("500");
				assertThat(ex).hasMessageContaining("ended with status error, 1 record refused")
					.hasMessageContaining("no batch of this import succeeded");
			}));
		assertThat(this.spool).isEmptyDirectory();
	}

	@Test
	void whenALaterBatchIsCorruptedThenTheExceptionNamesTheBatchesThatSucceededBefore() {
		List<BatchRecord> records = guests(3000);
		List<String> events = new CopyOnWriteArrayList<>();
		BatchImportListener corruptAfterFirst = new BatchImportListener() {

			@Override
			public void fileWritten(BatchFile file) {
				events.add("written " + file.records());
			}

			@Override
			public void statusChanged(UUID batchRef, BatchStatus status) {
				events.add(status.name());
			}

			@Override
			public void finished(BatchResult result) {
				if (result.status() == BatchStatus.SUCCESS) {
					BatchImportClientTests.this.cdp.api().batches().failNextBatchAs("corrupted");
				}
			}

		};
		contextRunner().withPropertyValues("sitecore.cdp.batch.max-file-size=16KB")
			.withBean(BatchImportListener.class, () -> corruptAfterFirst)
			.run((context) -> assertThatExceptionOfType(BatchImportException.class)
				.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(records))
				.satisfies((ex) -> {
					assertThat(ex.succeeded()).hasSize(1);
					BatchResult first = ex.succeeded().get(0);
					assertThat(first.firstRecordRef()).isEqualTo(records.get(0).ref());
					assertThat(ex.failed().status()).isEqualTo(BatchStatus.CORRUPTED);
					assertThat(ex.failed().firstRecordRef()).isEqualTo(records.get((int) first.records()).ref());
					assertThat(ex).hasMessageContaining("ended with status corrupted")
						.hasMessageContaining("the 1 batches before succeeded, up to record " + first.lastRecordRef());
				}));
		assertThat(events.get(0)).startsWith("written ");
		assertThat(events.subList(1, 3)).containsExactly("PROCESSING", "SUCCESS");
		assertThat(events).endsWith("PROCESSING", "CORRUPTED");
	}

	@Test
	void whenTheUploadUrlHasExpiredThenTheFileIsAnnouncedAgainAsANewBatch() {
		this.cdp.api().batches().expireNextUploadUrls(1);
		contextRunner().run((context) -> {
			BatchImportResult result = context.getBean(BatchImportClient.class).importRecords(guests(5));
			assertThat(result.batches()).singleElement()
				.satisfies((batch) -> assertThat(batch.status()).isEqualTo(BatchStatus.SUCCESS));
		});
		List<FakeBatch> batches = this.cdp.api().batches().batches();
		assertThat(batches).hasSize(2);
		assertThat(batches.get(0).status()).isEqualTo("uploading");
		assertThat(batches.get(1).status()).isEqualTo("success");
		assertThat(batches.get(0).ref()).isNotEqualTo(batches.get(1).ref());
	}

	@Test
	void whenTheCredentialsAreWrongThenTheImportFailsNamingTheProperties() {
		this.cdp.api().batches().credentials("other-key", "other-token");
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(guests(3)))
			.withMessageContaining("Sitecore answered 401")
			.withMessageContaining("sitecore.cdp.basic-auth.api-token")
			.withMessageNotContaining(FakeBatches.API_TOKEN));
		assertThat(this.spool).isEmptyDirectory();
	}

	@Test
	void whenOnlyBasicAuthIsConfiguredThenTheBatchClientWorksWithoutAnOAuthKey() {
		contextRunner().run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(BatchImportClient.class).doesNotHaveBean("cdpWebClient");
			context.getBean(BatchImportClient.class).importRecords(guests(1));
		});
		assertThat(this.cdp.tokenRequestCount()).isZero();
		assertThat(this.cdp.requests()).allSatisfy((request) -> assertThat(request.bearerToken()).isNull());
	}

	@Test
	void whenTheUploadGoesToStorageThenItCarriesNoCredentials() {
		contextRunner().run((context) -> context.getBean(BatchImportClient.class).importRecords(guests(2)));
		assertThat(this.cdp.fileHost().requests()).isNotEmpty()
			.allSatisfy((request) -> assertThat(request.header("Authorization")).isNull());
		assertThat(this.cdp.api().requests()).allSatisfy(
				(request) -> assertThat(request.header("Authorization")).startsWith("Basic "));
	}

	@Test
	void whenTheApplicationsBuilderAddsHeadersThenTheStorageHostGetsNoneOfThem() {
		contextRunner()
			.withBean(WebClient.Builder.class,
					() -> WebClient.builder().defaultHeader("Authorization", "Bearer application-token"))
			.run((context) -> context.getBean(BatchImportClient.class).importRecords(guests(2)));
		assertThat(this.cdp.fileHost().requests()).isNotEmpty()
			.allSatisfy((request) -> assertThat(request.header("Authorization")).isNull());
	}

	@Test
	void whenAnImportFromAFluxFailsThenTheSourceIsCancelled() {
		AtomicBoolean cancelled = new AtomicBoolean();
		this.cdp.api().batches().failNextBatchAs("corrupted");
		contextRunner().withPropertyValues("sitecore.cdp.batch.max-file-size=16KB")
			.run((context) -> assertThatExceptionOfType(BatchImportException.class)
				.isThrownBy(() -> context.getBean(BatchImportClient.class)
					.importRecords(Flux.fromIterable(guests(5000)).doOnCancel(() -> cancelled.set(true)))
					.block()));
		assertThat(cancelled).isTrue();
		assertThat(this.spool).isEmptyDirectory();
	}

	@Test
	void whenAnErrorLogLineHasEscapesAndANumericCodeThenItIsDecoded() {
		FailedRecord record = BatchImportClient
			.failedRecord("{\"ref\":\"r-1\",\"code\":400,\"message\":\"Field \\\"email\\\" caf\\u00e9 \\\\ bad\"}");
		assertThat(record).isEqualTo(new FailedRecord("r-1", "400", "Field \"email\" caf\u00e9 \\ bad"));
	}

	@Test
	void whenBasicAuthIsNotConfiguredThenThereIsNoBatchClient() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret")
			.run((context) -> assertThat(context).doesNotHaveBean(BatchImportClient.class));
	}

	@Test
	void whenTheSpoolDirectoryDoesNotExistThenStartupFailsNamingIt() {
		contextRunner().withPropertyValues("sitecore.cdp.batch.spool-directory=" + this.spool.resolve("missing"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sitecore.cdp.batch.spool-directory")
				.hasMessageContaining("is not an existing directory"));
	}

	@Test
	void whenOnlyTheClientKeyIsSetThenStartupFailsNamingTheApiToken() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.basic-auth.client-key=key")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sitecore.cdp.basic-auth.api-token is not set"));
	}

	@Test
	void whenOnlyTheClientKeyIsSetAndTheApplicationInjectsTheClientThenStartupFailsNamingTheApiToken() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.basic-auth.client-key=key")
			// An application bean that needs the client, created before the properties.
			.withBean("nightlyImport", Object.class, () -> "an application bean",
					(definition) -> definition.setDependsOn("batchImportClient"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sitecore.cdp.basic-auth.api-token is not set"));
	}

	@Test
	void whenThePollIntervalIsLongerThanTheLongestThenStartupFailsNamingBoth() {
		contextRunner()
			.withPropertyValues("sitecore.cdp.batch.poll-interval=1m", "sitecore.cdp.batch.max-poll-interval=30s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sitecore.cdp.batch.poll-interval (1m) is longer than "
						+ "sitecore.cdp.batch.max-poll-interval (30s)"));
	}

	@Test
	void whenTheClockStandsStillThenTheLongestWaitStillEndsIt() {
		this.cdp.api().batches().processingFor(1_000_000);
		contextRunner().withPropertyValues("sitecore.cdp.batch.max-wait=300ms")
			.withBean(SitecoreCdpAutoConfiguration.CLOCK_BEAN_NAME, java.time.Clock.class,
					() -> java.time.Clock.fixed(java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC))
			.run((context) -> assertThatExceptionOfType(BatchImportException.class)
				.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(guests(3)))
				.withMessageContaining("sitecore.cdp.batch.max-wait"));
	}

	private static List<BatchRecord> guests(int count) {
		return IntStream.range(0, count)
			.mapToObj((n) -> BatchRecord.guest(BatchMode.UPSERT,
					"{\"email\":\"guest" + n + "@example.com\",\"id\":\"" + UUID.randomUUID() + UUID.randomUUID() + "\"}"))
			.toList();
	}

}

package io.github.sitecorecdp.batch;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpActuatorAutoConfiguration;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeBatches;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.retry.RetryPolicy;
import io.github.sitecorecdp.testsupport.BootLine;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the Batch import page promises about polling, refused records, its log lines, a
 * source that never completes, and the retry meters.
 */
class BatchImportPromiseTests {

	@TempDir
	Path spool;

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final List<Logger> loggers = List.of((Logger) org.slf4j.LoggerFactory.getLogger(BatchImportClient.class),
			(Logger) org.slf4j.LoggerFactory.getLogger(RetryPolicy.class));

	@BeforeEach
	void capture() {
		this.appender.start();
		this.loggers.forEach((logger) -> logger.addAppender(this.appender));
	}

	@AfterEach
	void stop() {
		this.loggers.forEach((logger) -> logger.detachAppender(this.appender));
		this.cdp.close();
	}

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(BootLine.metricsAutoConfigurations()))
			.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class,
					SitecoreCdpActuatorAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.base-url=" + this.cdp.baseUrl(),
					"sitecore.cdp.basic-auth.client-key=" + FakeBatches.CLIENT_KEY,
					"sitecore.cdp.basic-auth.api-token=" + FakeBatches.API_TOKEN,
					"sitecore.cdp.batch.spool-directory=" + this.spool, "sitecore.cdp.batch.poll-interval=5ms",
					"sitecore.cdp.batch.max-poll-interval=20ms", "sitecore.cdp.retry.initial-backoff=10ms",
					"sitecore.cdp.retry.max-backoff=20ms");
	}

	@Test
	void whenABatchIsProcessedThenStatusPollsBackOffFromThePollIntervalDoublingUpToTheLongest() {
		List<Long> polls = new CopyOnWriteArrayList<>();
		WebClient batchApi = WebClient.builder()
			.baseUrl(this.cdp.baseUrl().toString())
			.defaultHeaders((headers) -> headers.setBasicAuth(FakeBatches.CLIENT_KEY, FakeBatches.API_TOKEN))
			.filter((request, next) -> {
				if (request.method() == HttpMethod.GET && request.url().getPath().matches("/v2/batches/[0-9a-f-]+")) {
					polls.add(System.nanoTime());
				}
				return next.exchange(request);
			})
			.build();
		this.cdp.api().batches().processingFor(5);
		BatchImportClient client = new BatchImportClient(batchApi, WebClient.create(),
				new BatchImportClient.Settings(1024 * 1024, this.spool, Duration.ofMillis(200), Duration.ofMillis(800),
						Duration.ofSeconds(30)),
				Clock.systemUTC(), BatchImportListener.NONE);
		client.importRecords(guests(3));
		assertThat(polls).hasSize(6);
		List<Duration> gaps = new ArrayList<>();
		for (int i = 1; i < polls.size(); i++) {
			gaps.add(Duration.ofNanos(polls.get(i) - polls.get(i - 1)));
		}
		// 200 ms, doubled to 400 and 800, then capped at 800; each gap is a wait plus one poll.
		assertThat(gaps.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofMillis(400));
		assertThat(gaps.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(400)).isLessThan(Duration.ofMillis(800));
		assertThat(gaps.subList(2, 5)).allSatisfy((gap) -> assertThat(gap)
			.isGreaterThanOrEqualTo(Duration.ofMillis(800))
			.isLessThan(Duration.ofMillis(1600)));
	}

	@Test
	void whenMoreThanTenThousandRecordsAreRefusedThenTheFirstTenThousandAreKeptAndAllCounted() {
		this.cdp.api().batches().refuseRecords((record) -> true, 400, "refused");
		List<BatchRecord> records = guests(10_005);
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(records))
			.satisfies((ex) -> {
				assertThat(ex.failed().status()).isEqualTo(BatchStatus.ERROR);
				assertThat(ex.failed().failedRecordCount()).isEqualTo(10_005);
				assertThat(ex.failed().failedRecords()).hasSize(BatchResult.MAX_FAILED_RECORDS_KEPT)
					.hasSize(10_000);
				assertThat(ex.failed().failedRecords().get(0).ref()).isEqualTo(records.get(0).ref().toString());
			}));
	}

	@Test
	void whenABatchSucceedsThenItIsLoggedAtInfo() {
		contextRunner().run((context) -> context.getBean(BatchImportClient.class).importRecords(guests(3)));
		assertThat(lines(Level.INFO)).anySatisfy((line) -> assertThat(line).matches("Batch \\S+ succeeded \\(3 records\\)"));
		assertThat(lines(Level.WARN)).isEmpty();
	}

	@Test
	void whenABatchEndsInErrorThenItIsLoggedAtWarn() {
		this.cdp.api().batches().failNextBatchAs("error");
		contextRunner().run((context) -> assertThatExceptionOfType(BatchImportException.class)
			.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(guests(3))));
		assertThat(lines(Level.WARN)).singleElement()
			.satisfies((line) -> assertThat(line).contains("ended with status error"));
		assertThat(lines(Level.INFO)).noneSatisfy((line) -> assertThat(line).contains("succeeded"));
	}

	@Test
	void whenTheSourceNeverCompletesThenNothingIsImported() throws InterruptedException {
		contextRunner().run((context) -> {
			Flux<BatchRecord> neverEnding = Flux.concat(Flux.fromIterable(guests(100)), Flux.never());
			List<Object> outcome = new CopyOnWriteArrayList<>();
			Disposable running = context.getBean(BatchImportClient.class)
				.importRecords(neverEnding)
				.subscribe(outcome::add, outcome::add);
			try {
				Thread.sleep(500);
				assertThat(outcome).isEmpty();
				assertThat(this.cdp.api().batches().batches()).isEmpty();
			}
			finally {
				running.dispose();
			}
		});
		assertThat(this.cdp.api().batches().batches()).isEmpty();
	}

	@Test
	void whenAPollFailsOnceThenOneRetryIsCountedByCall() {
		this.cdp.api().batches().failNext(FakeBatches.Call.STATUS, 1, 503);
		contextRunner().run((context) -> {
			context.getBean(BatchImportClient.class).importRecords(guests(3));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("sitecore.cdp.retries").tag("call", "batch.status").counter().count()).isEqualTo(1);
			assertThat(registry.find("sitecore.cdp.retry.give-ups").counters()).isEmpty();
		});
	}

	@Test
	void whenPollsFailUntilTheAttemptsRunOutThenOneGiveUpIsCountedAndLoggedOnceAtWarn() {
		this.cdp.api().batches().failAlways(FakeBatches.Call.STATUS, 503);
		contextRunner().withPropertyValues("sitecore.cdp.retry.max-attempts=3").run((context) -> {
			assertThatExceptionOfType(BatchImportException.class)
				.isThrownBy(() -> context.getBean(BatchImportClient.class).importRecords(guests(3)));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("sitecore.cdp.retries").tag("call", "batch.status").counter().count()).isEqualTo(2);
			assertThat(registry.get("sitecore.cdp.retry.give-ups").tag("call", "batch.status").counter().count())
				.isEqualTo(1);
		});
		assertThat(lines(Level.WARN)).filteredOn((line) -> line.startsWith("Gave up on batch.status"))
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("after 3 attempts"));
	}

	private List<String> lines(Level level) {
		return List.copyOf(this.appender.list)
			.stream()
			.filter((event) -> event.getLevel() == level)
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

	private static List<BatchRecord> guests(int count) {
		return IntStream.range(0, count)
			.mapToObj((i) -> BatchRecord.guest(BatchMode.UPSERT, "{\"email\":\"guest" + i + "@example.com\"}"))
			.toList();
	}

}

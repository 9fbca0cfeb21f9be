package io.github.sitecorecdp.audience;

import java.time.Duration;
import java.util.List;

import io.github.sitecorecdp.api.CdpApiException;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.fake.RecordedCdpRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Audience export's GETs are idempotent: Sitecore's "try again" answers are retried
 * by the same policy as the batch calls, other errors are not.
 */
class AudienceExportRetryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private ApplicationContextRunner contextRunner() {
		this.cdp.audienceExport("aud").addJob("exec-1").addFile("add", List.of("{\"a\":1}"));
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
			.withPropertyValues(this.cdp.properties()
				.entrySet()
				.stream()
				.map((property) -> property.getKey() + "=" + property.getValue())
				.toArray(String[]::new))
			.withPropertyValues("sitecore.cdp.retry.initial-backoff=5ms", "sitecore.cdp.retry.max-backoff=20ms");
	}

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	private List<RecordedCdpRequest> exportRequests() {
		return this.cdp.api()
			.requests()
			.stream()
			.filter((request) -> request.path().startsWith("/v2/audienceExports/"))
			.toList();
	}

	@Test
	void whenTheLatestExportAnswers503OnceThenItIsRetriedAndAnswers() {
		contextRunner().run((context) -> {
			this.cdp.api().failNextApiRequests(1, 503);
			AudienceExportOutput output = context.getBean(AudienceExportClient.class)
				.latestExport("aud")
				.block(TIMEOUT);
			assertThat(output.executionRef()).isEqualTo("exec-1");
		});
		assertThat(exportRequests()).extracting(RecordedCdpRequest::status).containsExactly(503, 200);
	}

	@Test
	void whenTheReportsAreThrottledOnceThenTheyAreRetriedAndEachReportComesOnce() {
		contextRunner().run((context) -> {
			this.cdp.api().failNextApiRequests(1, 429);
			List<AudienceExportReport> reports = context.getBean(AudienceExportClient.class)
				.reports("aud")
				.collectList()
				.block(TIMEOUT);
			assertThat(reports).hasSize(1);
		});
		assertThat(exportRequests()).extracting(RecordedCdpRequest::status).containsExactly(429, 200);
	}

	@Test
	void whenTheExportAnswers404ThenItIsNotRetried() {
		contextRunner().run((context) -> {
			this.cdp.api().failNextApiRequests(1, 404);
			assertThatExceptionOfType(CdpApiException.class)
				.isThrownBy(() -> context.getBean(AudienceExportClient.class).export("exec-1").block(TIMEOUT));
		});
		assertThat(exportRequests()).extracting(RecordedCdpRequest::status).containsExactly(404);
	}

	@Test
	void whenTheExportAnswers503ForeverThenItGivesUpAfterMaxAttempts() {
		contextRunner().withPropertyValues("sitecore.cdp.retry.max-attempts=3").run((context) -> {
			this.cdp.api().failNextApiRequests(10, 503);
			assertThatExceptionOfType(CdpApiException.class)
				.isThrownBy(() -> context.getBean(AudienceExportClient.class).export("exec-1").block(TIMEOUT));
		});
		assertThat(exportRequests()).extracting(RecordedCdpRequest::status).containsExactly(503, 503, 503);
	}

}

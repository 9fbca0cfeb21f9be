package io.github.sitecorecdp.test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import io.github.sitecorecdp.api.CdpApiException;
import io.github.sitecorecdp.api.CdpNotFoundException;
import io.github.sitecorecdp.audience.AudienceExportClient;
import io.github.sitecorecdp.audience.AudienceExportOutput;
import io.github.sitecorecdp.audience.AudienceExportReport;
import io.github.sitecorecdp.audience.CdpExportExpiredException;
import io.github.sitecorecdp.audience.DeltaAction;
import io.github.sitecorecdp.audience.ExportRecord;
import io.github.sitecorecdp.audience.ReportStatus;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeExportJob;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.fake.RecordedCdpRequest;
import io.github.sitecorecdp.fake.RecordedCdpRequest.Kind;
import io.github.sitecorecdp.token.CdpCredentialsRejectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link AudienceExportClient} from the auto-configuration, against the fake Sitecore CDP.
 */
class AudienceExportClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	@Test
	void whenLatestExportIsFetchedThenItsOutputIsMapped() {
		this.cdp.audienceExport("my-audience")
			.addJob("exec-1")
			.addFile("add", lines(1, 3))
			.addFile("remove", lines(10, 2))
			.expireAt(Instant.parse("2099-01-01T00:00:00Z"));
		AudienceExportOutput output = call((client) -> client.latestExport("my-audience").block(TIMEOUT));
		assertThat(output.executionRef()).isEqualTo("exec-1");
		assertThat(output.definitionRef()).isEqualTo("my-audience");
		assertThat(output.expireAt()).isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));
		assertThat(output.numberOfFiles()).isEqualTo(2);
		assertThat(output.files()).extracting((file) -> file.action()).containsExactly(DeltaAction.ADD,
				DeltaAction.REMOVE);
		assertThat(output.files().get(0).url()).startsWith(this.cdp.fileBaseUrl().toString());
		assertThat(this.cdp.requests(Kind.API).get(0).uri())
			.isEqualTo("/v2/audienceExports/definitions/my-audience/latestExport");
	}

	@Test
	void whenTheKeyIsRejectedThenTheCallerGetsTheCredentialsErrorItself() {
		this.cdp.audienceExport("my-audience").addJob("exec-1");
		contextRunner().withPropertyValues("sitecore.cdp.api-secret=not-the-secret")
			.run((context) -> {
				AudienceExportClient client = context.getBean(AudienceExportClient.class);
				assertThatExceptionOfType(CdpCredentialsRejectedException.class)
					.isThrownBy(() -> client.latestExport("my-audience").block(TIMEOUT))
					.withMessageContaining("sitecore.cdp.api-key");
				assertThatExceptionOfType(CdpCredentialsRejectedException.class)
					.isThrownBy(() -> client.reports("my-audience").collectList().block(TIMEOUT));
			});
	}

	@Test
	void whenReportsAreFetchedThenEachJobHasOne() {
		this.cdp.audienceExport("my-audience").addJob("exec-1").addFile("add", lines(1, 4));
		this.cdp.audienceExport("my-audience").addJob("exec-2").status("FAILED");
		List<AudienceExportReport> reports = call(
				(client) -> client.reports("my-audience").collectList().block(TIMEOUT));
		assertThat(reports).extracting(AudienceExportReport::executionRef).containsExactly("exec-1", "exec-2");
		assertThat(reports.get(0).jobStatus()).isEqualTo(ReportStatus.SUCCESS);
		assertThat(reports.get(0).successAdd()).isEqualTo(4);
		assertThat(reports.get(0).isDelta()).isTrue();
		assertThat(reports.get(1).jobStatus()).isEqualTo(ReportStatus.FAILED);
	}

	@Test
	void whenOneJobsExportIsFetchedThenItIsThatJobs() {
		this.cdp.audienceExport("my-audience").addJob("exec-1").addFile("add", lines(1, 1));
		this.cdp.audienceExport("my-audience").addJob("exec-2").addFile("add", lines(1, 1));
		AudienceExportOutput output = call((client) -> client.export("exec-1").block(TIMEOUT));
		assertThat(output.executionRef()).isEqualTo("exec-1");
		assertThat(this.cdp.requests(Kind.API).get(0).uri()).isEqualTo("/v2/audienceExports/executions/exec-1/export");
	}

	@Test
	void whenAMultiFileExportIsDownloadedThenEveryGuestIsStreamedFileByFile() {
		this.cdp.audienceExport("my-audience")
			.addJob("exec-1")
			.addFile("add", lines(1, 500))
			.addFile("add", lines(501, 300))
			.addFile("remove", lines(9001, 25));
		List<ExportRecord> records = call((client) -> client.latestExport("my-audience")
			.flatMapMany(client::download)
			.collectList()
			.block(TIMEOUT));
		assertThat(records).hasSize(825);
		assertThat(records.get(0).json()).isEqualTo(line(1));
		assertThat(records.get(0).lineNumber()).isEqualTo(1);
		assertThat(records.get(500).fileIndex()).isEqualTo(1);
		assertThat(records.get(500).json()).isEqualTo(line(501));
		assertThat(records.subList(800, 825)).allMatch((record) -> record.action() == DeltaAction.REMOVE);
		assertThat(this.cdp.fileRequestCount()).isEqualTo(3);
	}

	@Test
	void whenFilesAreDownloadedThenNoFileRequestCarriesTheToken() {
		this.cdp.audienceExport("my-audience").addJob("exec-1").addFile("add", lines(1, 2)).addFile("add", lines(3, 2));
		call((client) -> client.latestExport("my-audience").flatMapMany(client::download).blockLast(TIMEOUT));
		assertThat(this.cdp.requests(Kind.FILE)).hasSize(2).allMatch((request) -> request.header("Authorization") == null);
		assertThat(this.cdp.requests(Kind.API)).allMatch((request) -> request.bearerToken() != null);
	}

	@Test
	void whenTheApplicationCustomizesItsWebClientsThenNoFileRequestCarriesWhatItAdds() {
		this.cdp.audienceExport("my-audience").addJob("exec-1").addFile("add", lines(1, 2));
		// A presigned URL is a credential until it expires: what the application adds to its
		// requests (a header, a filter that records URLs) must not reach the storage host.
		contextRunner()
			.withBean(WebClient.Builder.class, () -> WebClient.builder().defaultHeader("X-Application", "shop"))
			.run((context) -> {
				AudienceExportClient client = context.getBean(AudienceExportClient.class);
				client.latestExport("my-audience").flatMapMany(client::download).blockLast(TIMEOUT);
			});
		assertThat(this.cdp.requests(Kind.API)).isNotEmpty()
			.allMatch((request) -> "shop".equals(request.header("X-Application")));
		assertThat(this.cdp.requests(Kind.FILE)).hasSize(1)
			.allMatch((request) -> request.header("X-Application") == null);
	}

	@Test
	void whenOnlyTheFirstRecordsOfABigFileAreTakenThenTheyAreItsFirstLines() {
		this.cdp.audienceExport("my-audience").addJob("exec-1").addFile("add", lines(1, 200_000));
		List<ExportRecord> first = call((client) -> client.latestExport("my-audience")
			.flatMapMany(client::download)
			.take(3)
			.collectList()
			.block(TIMEOUT));
		assertThat(first).extracting(ExportRecord::json).containsExactly(line(1), line(2), line(3));
	}

	@Test
	void whenTheExportHasExpiredThenDownloadFailsClearlyWithoutFetchingFiles() {
		this.cdp.audienceExport("my-audience")
			.addJob("exec-1")
			.addFile("add", lines(1, 2))
			.expireAt(Instant.now().minusSeconds(60));
		assertThatExceptionOfType(CdpExportExpiredException.class)
			.isThrownBy(() -> call((client) -> client.latestExport("my-audience")
				.flatMapMany(client::download)
				.blockLast(TIMEOUT)))
			.withMessageContaining("exec-1")
			.withMessageContaining("expired at")
			.withMessageContaining("fetch the export again");
		assertThat(this.cdp.fileRequestCount()).isZero();
	}

	@Test
	void whenTheFileHostRefusesTheUrlThenDownloadFailsAsExpired() {
		FakeExportJob job = this.cdp.audienceExport("my-audience").addJob("exec-1").addFile("add", lines(1, 2));
		assertThatExceptionOfType(CdpExportExpiredException.class).isThrownBy(() -> call((client) -> {
			AudienceExportOutput output = client.latestExport("my-audience").block(TIMEOUT);
			// The URL expires between fetching the export and downloading it.
			job.expireAt(Instant.now().minusSeconds(1));
			AudienceExportOutput stillValidLocally = new AudienceExportOutput(output.executionRef(),
					output.definitionRef(), output.friendlyId(), output.clientKey(), Instant.now().plusSeconds(60),
					output.numberOfFiles(), output.totalSizeKB(), output.exports());
			return client.download(stillValidLocally).blockLast(TIMEOUT);
		})).withMessageContaining("refused (403)");
	}

	@Test
	void whenTheRefIsUnknownThen404IsDistinct() {
		assertThatExceptionOfType(CdpNotFoundException.class)
			.isThrownBy(() -> call((client) -> client.latestExport("nope").block(TIMEOUT)))
			.satisfies((ex) -> {
				assertThat(ex.getHttpStatus()).isEqualTo(404);
				assertThat(ex.getCode()).isEqualTo(404);
				assertThat(ex.getCdpMessage()).isEqualTo("Not Found");
				assertThat(ex.getMoreInfoUrl()).isEqualTo("https://doc.sitecore.com/cdp");
			})
			.withMessageContaining("404 Not Found")
			.withMessageContaining("/v2/audienceExports/definitions/nope/latestExport");
	}

	@Test
	void whenTheApiAnswers400ThenTheErrorCarriesCdpsFields() {
		this.cdp.failNextApiRequests(1, 400);
		assertThatExceptionOfType(CdpApiException.class)
			.isThrownBy(() -> call((client) -> client.latestExport("any").block(TIMEOUT)))
			.satisfies((ex) -> {
				assertThat(ex).isNotInstanceOf(CdpNotFoundException.class);
				assertThat(ex.getHttpStatus()).isEqualTo(400);
				assertThat(ex.getStatus()).isEqualTo("400");
				assertThat(ex.getDeveloperMessage()).isEqualTo("Injected failure");
			});
	}

	@Test
	void whenTheApiAnswers503OnEveryAttemptThenTheErrorSaysSo() {
		// Export reads are retried after a 503, so the fault must outlast every attempt.
		this.cdp.failNextApiRequests(2, 503);
		assertThatExceptionOfType(CdpApiException.class)
			.isThrownBy(() -> call((client) -> client.latestExport("any").block(TIMEOUT),
					"sitecore.cdp.retry.max-attempts=2", "sitecore.cdp.retry.initial-backoff=10ms"))
			.matches((ex) -> ex.getHttpStatus() == 503)
			.withMessageContaining("503 Service Unavailable");
		assertThat(this.cdp.apiRequestCount()).isEqualTo(2);
	}

	@Test
	void whenTheApiAnswers503OnceThenTheReadIsRetriedAndSucceeds() {
		this.cdp.audienceExport("my-audience").addJob("exec-1");
		this.cdp.failNextApiRequests(1, 503);
		AudienceExportOutput output = call((client) -> client.latestExport("my-audience").block(TIMEOUT),
				"sitecore.cdp.retry.initial-backoff=10ms");
		assertThat(output.executionRef()).isEqualTo("exec-1");
		assertThat(this.cdp.apiRequestCount()).isEqualTo(2);
	}

	@Test
	void whenTokensAreRevokedThenTheNextCallIsReplayedOnceWithANewToken() {
		this.cdp.audienceExport("my-audience").addJob("exec-1");
		AudienceExportOutput output = call((client) -> {
			client.latestExport("my-audience").block(TIMEOUT);
			this.cdp.revokeTokens();
			return client.latestExport("my-audience").block(TIMEOUT);
		});
		assertThat(output.executionRef()).isEqualTo("exec-1");
		assertThat(this.cdp.tokenRequestCount()).isEqualTo(2);
		assertThat(this.cdp.apiRequestCount()).isEqualTo(3);
	}

	@Test
	void whenTheApiAnswers401TwiceThenTheCallerSeesCdpsUnauthorizedError() {
		this.cdp.failNextApiRequests(2, 401);
		assertThatExceptionOfType(CdpApiException.class)
			.isThrownBy(() -> call((client) -> client.latestExport("any").block(TIMEOUT)))
			.satisfies((ex) -> {
				assertThat(ex.getHttpStatus()).isEqualTo(401);
				assertThat(ex.getStatus()).isEqualTo("UNAUTHORIZED");
				assertThat(ex.getCode()).isEqualTo(401);
			});
		assertThat(this.cdp.apiRequestCount()).isEqualTo(2);
		assertThat(this.cdp.tokenRequestCount()).isEqualTo(2);
	}

	/** The auto-configuration, pointed at the fake. */
	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
			.withPropertyValues(this.cdp.properties()
				.entrySet()
				.stream()
				.map((entry) -> entry.getKey() + "=" + entry.getValue())
				.toArray(String[]::new));
	}

	private <T> T call(ClientCall<T> action, String... properties) {
		List<T> result = new ArrayList<>();
		contextRunner().withPropertyValues(properties).run((context) -> {
			if (context.getStartupFailure() != null) {
				throw context.getStartupFailure();
			}
			result.add(action.apply(context.getBean(AudienceExportClient.class)));
		});
		return result.get(0);
	}

	static List<String> lines(int first, int count) {
		return IntStream.range(first, first + count).mapToObj(AudienceExportClientTests::line).toList();
	}

	static String line(int n) {
		return "{\"guestRef\":\"guest-" + n + "\",\"email\":\"guest" + n + "@example.com\"}";
	}

	@FunctionalInterface
	interface ClientCall<T> {

		T apply(AudienceExportClient client);

	}

}

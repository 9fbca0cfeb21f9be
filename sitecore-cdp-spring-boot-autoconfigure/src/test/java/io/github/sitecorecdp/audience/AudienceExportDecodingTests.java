package io.github.sitecorecdp.audience;

import java.time.Duration;
import java.util.List;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.testsupport.EchoPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers Sitecore may send tomorrow: fields this version does not know are ignored, and
 * enumerated values it does not know read as {@code UNKNOWN} instead of failing the call.
 * Decoded by the WebClient's own JSON codec (Jackson 3 on Boot 4, Jackson 2 on Boot 3).
 */
class AudienceExportDecodingTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private FakeTokenEndpoint tokenEndpoint;

	private FakeCdpApi api;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() {
		this.tokenEndpoint = FakeTokenEndpoint.start().credentials("key", "secret").tokenValues((n) -> "token-" + n);
		this.api = FakeCdpApi.start(this.tokenEndpoint).stub("/**", EchoPath::json);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret",
					"sitecore.cdp.token-uri=" + this.tokenEndpoint.uri(), "sitecore.cdp.base-url=" + this.api.baseUrl());
	}

	@AfterEach
	void stop() {
		this.tokenEndpoint.close();
		this.api.close();
	}

	@Test
	void whenTheOutputHasUnknownFieldsAndValuesThenItIsStillRead() {
		this.api.stub("/v2/audienceExports/definitions/aud/latestExport", "{\"executionRef\":\"exec-9\","
				+ "\"definitionRef\":\"aud\",\"expireAt\":\"2099-01-01T00:00:00Z\","
				+ "\"numberOfFiles\":2,\"totalSizeKB\":3,\"region\":\"eu-west-1\",\"tags\":{\"team\":\"crm\"},"
				+ "\"exports\":[{\"url\":\"https://files.example/a\",\"sizeKB\":1,\"deltaAction\":\"add\","
				+ "\"checksum\":\"abc\"},{\"url\":\"https://files.example/b\",\"sizeKB\":2,\"deltaAction\":\"update\"}]}");
		this.contextRunner.run((context) -> {
			AudienceExportOutput output = context.getBean(AudienceExportClient.class)
				.latestExport("aud")
				.block(TIMEOUT);
			assertThat(output.executionRef()).isEqualTo("exec-9");
			assertThat(output.numberOfFiles()).isEqualTo(2);
			assertThat(output.files()).extracting(ExportFile::action)
				.containsExactly(DeltaAction.ADD, DeltaAction.UNKNOWN);
		});
	}

	@Test
	void whenReportsHaveNewStatusesOrLackCountersThenTheyAreStillRead() {
		this.api.stub("/v2/audienceExports/definitions/aud/reports", "[{\"executionRef\":\"e1\","
				+ "\"status\":\"ARCHIVED\",\"definitionType\":\"DELTA\",\"total\":5,"
				+ "\"newCounter\":7},{\"executionRef\":\"e2\",\"status\":\"success\",\"definitionType\":\"FULL_SYNC\"}]");
		this.contextRunner.run((context) -> {
			List<AudienceExportReport> reports = context.getBean(AudienceExportClient.class)
				.reports("aud")
				.collectList()
				.block(TIMEOUT);
			assertThat(reports).extracting(AudienceExportReport::jobStatus)
				.containsExactly(ReportStatus.UNKNOWN, ReportStatus.SUCCESS);
			assertThat(reports.get(0).total()).isEqualTo(5);
			// Counters the answer leaves out read as zero instead of failing the call.
			assertThat(reports.get(1).total()).isZero();
			assertThat(reports.get(1).successAdd()).isZero();
			assertThat(reports.get(0).isDelta()).isTrue();
			assertThat(reports.get(1).isDelta()).isFalse();
		});
	}

}

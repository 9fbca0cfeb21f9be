package io.github.sitecorecdp.audience;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeExportJob;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A broken export file ends the download with an error that says where, and frees its
 * connection at once: with a pool of one connection the next download works.
 */
class ExportDownloadFailureTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final FakeTokenEndpoint tokenEndpoint = FakeTokenEndpoint.start();

	private final FakeCdpApi api = FakeCdpApi.start(this.tokenEndpoint);

	private final FakeExportJob job = this.api.audienceExport("aud").addJob("exec-1");

	private ConnectionProvider onlyOneConnection;

	private AudienceExportClient client;

	@BeforeEach
	void start() {
		this.onlyOneConnection = ConnectionProvider.builder("one")
			.maxConnections(1)
			.pendingAcquireTimeout(Duration.ofSeconds(2))
			.build();
		WebClient files = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(
					HttpClient.create(this.onlyOneConnection).responseTimeout(Duration.ofSeconds(60))))
			.build();
		this.client = new AudienceExportClient(WebClient.create(), files, Clock.systemUTC(), 1000);
	}

	@AfterEach
	void stop() {
		this.api.close();
		this.tokenEndpoint.close();
		this.onlyOneConnection.dispose();
	}

	@Test
	void whenTheGzipHeaderIsMalformedThenTheDownloadFailsAndTheConnectionIsFreed() throws IOException {
		byte[] broken = { 0x1f, (byte) 0x8b, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42 };
		this.job.addRawFile("add", largeTail(broken)).addFile("add", List.of("{\"a\":1}"));
		assertThatExceptionOfType(CdpExportFormatException.class).isThrownBy(() -> download(0))
			.withMessageContaining("File 1")
			.withMessageContaining("/exports/exec-1/0.jsonl.gz")
			.withMessageContaining("could not be read")
			.withMessageNotContaining("X-Amz-Signature");
		assertThat(download(1)).extracting(ExportRecord::json).containsExactly("{\"a\":1}");
	}

	@Test
	void whenARecordIsLongerThanTheBoundThenTheDownloadFailsNamingFileAndLine() throws IOException {
		String lines = "{\"a\":1}\n\n" + "{\"b\":\"" + "x".repeat(5000) + "\"}\n";
		this.job.addRawFile("add", gzip(lines)).addRawFile("add", gzip("{\"c\":3}\r\n"));
		assertThatExceptionOfType(CdpExportFormatException.class).isThrownBy(() -> download(0))
			.withMessageContaining("Line 3 of file 1")
			.withMessageContaining("/exports/exec-1/0.jsonl.gz")
			.withMessageContaining("longer than 1000 characters")
			.withMessageContaining("sitecore.cdp.audience-export.max-record-size")
			.withMessageNotContaining("X-Amz-Signature");
		assertThat(download(1)).extracting(ExportRecord::json).containsExactly("{\"c\":3}");
	}

	@Test
	void whenLinesAreWithinTheBoundThenTheyAreReadWithTheirLineNumbers() throws IOException {
		this.job.addRawFile("add", gzip("{\"a\":1}\r\n\n{\"b\":\"" + "y".repeat(990) + "\"}"));
		List<ExportRecord> records = download(0);
		assertThat(records).extracting(ExportRecord::lineNumber).containsExactly(1L, 3L);
		assertThat(records.get(1).json()).hasSize(998);
	}

	@Test
	void whenTheFileHostAnswersAnErrorThenTheMessageNamesTheFileButNotItsSignature() {
		this.job.addFile("add", List.of("{\"d\":4}"));
		this.api.fileHost().failNextFileRequests(1, 404);
		assertThatExceptionOfType(CdpExportDownloadException.class).isThrownBy(() -> download(0))
			.withMessageContaining("/exports/exec-1/0.jsonl.gz")
			.withMessageContaining("answered 404")
			.withMessageNotContaining("X-Amz-Signature");
		assertThat(download(0)).extracting(ExportRecord::json).containsExactly("{\"d\":4}");
	}

	@Test
	void whenAFileIsPrintedThenItsSignatureIsNot() {
		ExportFile file = new ExportFile("https://files.example/a/b.gz?X-Amz-Signature=secret", 1L, "add");
		assertThat(file.toString()).contains("https://files.example/a/b.gz").doesNotContain("secret");
		assertThat(new ExportRecord(file, 0, 1, "{}").toString()).doesNotContain("secret");
	}

	@Test
	void whenTheRecordBoundIsConfiguredThenTheClientOfTheContextUsesIt() {
		this.job.addFile("add", List.of("x".repeat(3000)));
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret",
					"sitecore.cdp.audience-export.max-record-size=2KB")
			.run((context) -> {
				AudienceExportClient configured = context.getBean(AudienceExportClient.class);
				assertThatExceptionOfType(CdpExportFormatException.class)
					.isThrownBy(() -> configured.download(output(0)).collectList().block(TIMEOUT))
					.withMessageContaining("longer than 2048 characters");
			});
	}

	/** The output of the job, as if it had only the file at this index. */
	private AudienceExportOutput output(int index) {
		String url = this.api.fileUrl(this.job, index).toString();
		return new AudienceExportOutput("exec-1", "aud", "aud", "key", null, 1, 1L,
				List.of(new ExportFile(url, 1L, "add")));
	}

	private List<ExportRecord> download(int index) {
		return this.client.download(output(index)).collectList().block(TIMEOUT);
	}

	/** Enough bytes that the file cannot be read in one go. */
	private static byte[] largeTail(byte[] head) {
		byte[] body = new byte[512 * 1024];
		System.arraycopy(head, 0, body, 0, head.length);
		return body;
	}

	private static byte[] gzip(String text) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
			out.write(text.getBytes(StandardCharsets.UTF_8));
		}
		return bytes.toByteArray();
	}

}

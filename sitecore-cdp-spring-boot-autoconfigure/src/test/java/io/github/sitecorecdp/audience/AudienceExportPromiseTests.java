package io.github.sitecorecdp.audience;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import com.sun.net.httpserver.HttpServer;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.testsupport.EchoPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Audience export page promises about an output without files and about files
 * that are not gzip.
 */
class AudienceExportPromiseTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String LINES = "{\"guest\":1}\n{\"guest\":2}\n{\"guest\":3}\n";

	private HttpServer fileHost;

	@BeforeEach
	void startFileHost() throws IOException {
		this.fileHost = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		serve("/plain.jsonl", LINES.getBytes(StandardCharsets.UTF_8));
		serve("/compressed.jsonl.gz", gzip(LINES));
		this.fileHost.start();
	}

	@AfterEach
	void stopFileHost() {
		this.fileHost.stop(0);
	}

	@Test
	void whenAFileDoesNotStartLikeGzipThenItIsReadAsPlainJsonLines() {
		List<String> plain = download("/plain.jsonl");
		assertThat(plain).containsExactly("{\"guest\":1}", "{\"guest\":2}", "{\"guest\":3}");
		assertThat(download("/compressed.jsonl.gz")).isEqualTo(plain);
	}

	@Test
	void whenSitecoreSendsNoExportsFieldThenFilesIsEmptyNotNull() {
		try (FakeTokenEndpoint tokenEndpoint = FakeTokenEndpoint.start().credentials("key", "secret");
				FakeCdpApi api = FakeCdpApi.start(tokenEndpoint).stub("/**", EchoPath::json)) {
			api.stub("/v2/audienceExports/definitions/aud/latestExport",
					"{\"executionRef\":\"exec-1\",\"definitionRef\":\"aud\",\"numberOfFiles\":0}");
			new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
				.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret",
						"sitecore.cdp.token-uri=" + tokenEndpoint.uri(), "sitecore.cdp.base-url=" + api.baseUrl())
				.run((context) -> {
					AudienceExportOutput output = context.getBean(AudienceExportClient.class)
						.latestExport("aud")
						.block(TIMEOUT);
					assertThat(output.exports()).isNull();
					assertThat(output.files()).isNotNull().isEmpty();
				});
		}
	}

	private List<String> download(String path) {
		AudienceExportClient client = new AudienceExportClient(WebClient.create(), WebClient.create(),
				Clock.systemUTC(), 1000);
		String url = "http://127.0.0.1:" + this.fileHost.getAddress().getPort() + path;
		AudienceExportOutput output = new AudienceExportOutput("exec-1", "aud", "aud", "key", null, 1, 1L,
				List.of(new ExportFile(url, 1L, "add")));
		return client.download(output).map(ExportRecord::json).collectList().block(TIMEOUT);
	}

	private void serve(String path, byte[] content) {
		this.fileHost.createContext(path, (exchange) -> {
			exchange.sendResponseHeaders(200, content.length);
			try (OutputStream body = exchange.getResponseBody()) {
				body.write(content);
			}
		});
	}

	private static byte[] gzip(String text) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
			gzip.write(text.getBytes(StandardCharsets.UTF_8));
		}
		return bytes.toByteArray();
	}

}

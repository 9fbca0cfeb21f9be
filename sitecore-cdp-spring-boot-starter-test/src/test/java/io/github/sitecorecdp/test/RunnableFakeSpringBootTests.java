package io.github.sitecorecdp.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.sitecorecdp.audience.AudienceExportClient;
import io.github.sitecorecdp.fake.FakeSitecoreCdpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.aot.DisabledInAotMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application in this JVM against the runnable fake in a JVM of its own, configured
 * only from what the fake prints, and steered through its control API: the multi-JVM
 * set-up docs/test-kit.md describes ("A runnable fake").
 */
@SpringBootTest
// The fake's process belongs to a test run, not to build-time AOT processing.
@DisabledInAotMode
class RunnableFakeSpringBootTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static Process fake;

	private static final Map<String, String> printed = new LinkedHashMap<>();

	private static URI control;

	@Autowired
	AudienceExportClient audienceExports;

	@DynamicPropertySource
	static void pointAtTheRunnableFake(DynamicPropertyRegistry registry) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		fake = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				FakeSitecoreCdpServer.class.getName(), "--port=0", "--demo-data")
			.redirectErrorStream(true)
			.start();
		Process started = fake;
		Runtime.getRuntime().addShutdownHook(new Thread(started::destroy));
		BufferedReader output = new BufferedReader(new InputStreamReader(fake.getInputStream(), StandardCharsets.UTF_8));
		for (String line = output.readLine(); line != null; line = output.readLine()) {
			if (line.startsWith("sitecore.cdp.")) {
				printed.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
			}
			if (line.startsWith("Control API at ")) {
				control = URI.create(line.split(" ")[3]);
				break;
			}
		}
		assertThat(control).as("the fake's control API").isNotNull();
		printed.forEach((name, value) -> registry.add(name, () -> value));
	}

	@AfterAll
	static void stopTheFake() throws InterruptedException {
		fake.destroy();
		assertThat(fake.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
	}

	@BeforeEach
	void resetTheFake() throws Exception {
		control("POST", "/reset");
	}

	@Test
	void whenTheFakeRevokesTokensThenTheApplicationReplaysWithANewOne() throws Exception {
		this.audienceExports.latestExport("demo-audience").block(TIMEOUT);
		control("POST", "/tokens/revoke");
		assertThat(this.audienceExports.latestExport("demo-audience").block(TIMEOUT).executionRef())
			.isEqualTo("demo-execution-0001");
		String requests = control("GET", "/requests");
		// The journal ends with the refused call, one token request and the replay, which
		// carries another token than the refused call (told apart by their fingerprints).
		String export = Pattern.quote("{\"kind\":\"API\",\"method\":\"GET\",\"path\":"
				+ "\"/v2/audienceExports/definitions/demo-audience/latestExport\",\"status\":");
		Matcher journal = Pattern.compile(export + "401,\"apiKey\":\"fake-api-key\",[^}]*\"tokenFingerprint\":\"(\\w{8})\"},"
				+ Pattern.quote("{\"kind\":\"TOKEN\",\"method\":\"POST\",\"path\":\"/oauth/token\",\"status\":200,"
						+ "\"apiKey\":\"fake-api-key\",")
				+ "[^}]*},"
				+ export + "200,\"apiKey\":\"fake-api-key\",[^}]*\"tokenFingerprint\":\"(\\w{8})\"}]$")
			.matcher(requests);
		assertThat(journal.find()).as(requests).isTrue();
		assertThat(journal.group(2)).isNotEqualTo(journal.group(1));
		assertThat(control("GET", "/tokens")).contains("\"state\":\"revoked\"").contains("\"state\":\"valid\"");
	}

	private static String control(String method, String pathAndQuery) throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(control + pathAndQuery))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(TIMEOUT)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("%s %s", method, pathAndQuery).isEqualTo(200);
		return response.body();
	}

	@SpringBootApplication
	static class UserApplication {

	}

}

package io.github.sitecorecdp.sample;

import java.io.IOException;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the sample against a token endpoint and an API host on loopback.
 */
@SpringBootTest(properties = "sample.audience-export-ref=my-audience")
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTests {

	static final MockWebServer server = new MockWebServer();

	static {
		server.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				if (request.getUrl().encodedPath().equals("/oauth/token")) {
					return json("{\"access_token\":\"sample-token\",\"expires_in\":86400,\"token_type\":\"Bearer\"}");
				}
				if ("Bearer sample-token".equals(request.getHeaders().get("Authorization"))) {
					return json("{\"definitionRef\":\"my-audience\",\"numberOfFiles\":1}");
				}
				return new MockResponse.Builder().code(401).build();
			}
		});
	}

	@DynamicPropertySource
	static void cdp(DynamicPropertyRegistry registry) throws IOException {
		server.start();
		registry.add("sitecore.cdp.api-key", () -> "sample-key");
		registry.add("sitecore.cdp.api-secret", () -> "sample-secret");
		registry.add("sitecore.cdp.token-uri", () -> server.url("/oauth/token").toString());
		registry.add("sitecore.cdp.base-url", () -> server.url("/").toString());
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void whenRunThenPrintsTheLatestExportOfTheConfiguredAudience(CapturedOutput output) {
		assertThat(output).contains("Latest export of audience my-audience:")
			.contains("{\"definitionRef\":\"my-audience\",\"numberOfFiles\":1}");
	}

	private static MockResponse json(String body) {
		return new MockResponse.Builder().setHeader("Content-Type", "application/json").body(body).build();
	}

}

package io.github.sitecorecdp.sample;

import java.util.HashMap;
import java.util.Map;

import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When Sitecore is unreachable or refuses the key, the sample says so in one line with
 * what to fix, and exits non-zero, instead of printing a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
// Runs the application with other properties than it was AOT-processed with, which AOT
// mode does not allow; the behaviour under test does not depend on the mode.
@DisabledIfSystemProperty(named = "spring.aot.enabled", matches = "true")
class SampleFailureOutputTests {

	@Test
	void whenSitecoreRejectsTheKeyThenOneLineSaysWhatToFixAndTheExitCodeIsOne(CapturedOutput output) {
		try (FakeSitecoreCdp cdp = FakeSitecoreCdp.start()) {
			Map<String, Object> properties = new HashMap<>(cdp.properties());
			properties.put("sitecore.cdp.api-secret", "not-the-secret");
			assertThat(run(properties)).isEqualTo(1);
		}
		assertThat(output.getErr()).contains("The sample could not read the export: Sitecore rejected the API key or secret")
			.contains("sitecore.cdp.api-secret");
		assertThat(output).doesNotContain("\tat ").doesNotContain("not-the-secret");
	}

	@Test
	void whenTheTokenEndpointIsUnreachableThenOneLineNamesTheTokenUriAndTheExitCodeIsOne(CapturedOutput output) {
		Map<String, Object> properties = new HashMap<>();
		properties.put("sitecore.cdp.api-key", "key");
		properties.put("sitecore.cdp.api-secret", "secret");
		// Port 1 on loopback: nothing listens there, the connection is refused at once.
		properties.put("sitecore.cdp.token-uri", "http://127.0.0.1:1/oauth/token");
		properties.put("sitecore.cdp.base-url", "http://127.0.0.1:1");
		assertThat(run(properties)).isEqualTo(1);
		assertThat(output.getErr()).contains("The sample could not read the export: Sitecore token endpoint")
			.contains("could not be reached")
			.contains("sitecore.cdp.token-uri");
		assertThat(output).doesNotContain("\tat ");
	}

	private static int run(Map<String, Object> properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.properties(properties)
			.run();
		return SpringApplication.exit(context);
	}

}

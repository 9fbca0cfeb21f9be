package io.github.sitecorecdp.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A value Spring Boot cannot convert at all (an unknown region, a duration that is none)
 * stops the binding of {@code sitecore.cdp.*} before the starter's own checks run. The
 * application's real startup report still names it together with every other invalid
 * property, so that one restart shows every problem.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnconvertibleValueReportTests {

	private static final Map<String, Object> CREDENTIALS = Map.of("sitecore.cdp.api-key", "key",
			"sitecore.cdp.api-secret", "s3cr3t");

	@Test
	void whenRegionIsUnknownThenStartupFailsNamingThePropertyAndTheValidValues(CapturedOutput output) {
		Report report = start(output, with(CREDENTIALS, Map.of("sitecore.cdp.region", "mars")));
		assertThat(report.description())
			.isEqualTo("sitecore.cdp.region is 'mars', which is no Sitecore CDP region.");
		assertThat(report.action()).contains("eu, us, ap, jpe").doesNotContain("EU").contains("sitecore.cdp.base-url");
	}

	@Test
	void whenRegionIsUnknownAndTheBaseUrlIsSetThenTheActionSaysTheRegionCanGo(CapturedOutput output) {
		Report report = start(output, with(CREDENTIALS,
				Map.of("sitecore.cdp.region", "mars", "sitecore.cdp.base-url", "https://api.example.com")));
		assertThat(report.description())
			.isEqualTo("sitecore.cdp.region is 'mars', which is no Sitecore CDP region.");
		assertThat(report.action()).contains("eu, us, ap, jpe")
			.contains("or remove it: sitecore.cdp.base-url is set and overrides it.")
			.doesNotContain("to the API host");
	}

	@Test
	void whenANamedRegistrationHasAnUnknownRegionThenTheReportNamesItsPropertyAndTheRegions(CapturedOutput output) {
		Report report = start(output, with(CREDENTIALS,
				Map.of("sitecore.cdp.clients.personalize.api-key", "p-key",
						"sitecore.cdp.clients.personalize.api-secret", "p-s3cr3t",
						"sitecore.cdp.clients.personalize.region", "mars")));
		assertThat(report.description())
			.isEqualTo("sitecore.cdp.clients.personalize.region is 'mars', which is no Sitecore CDP region.");
		assertThat(report.action()).contains("eu, us, ap, jpe").contains("sitecore.cdp.clients.personalize.base-url");
	}

	@Test
	void whenTheRegionIsUnknownAndOtherPropertiesAreWrongThenOneReportNamesEveryOne(CapturedOutput output) {
		Report report = start(output, Map.of("sitecore.cdp.region", "mars", "sitecore.cdp.api-key", "key",
				"sitecore.cdp.api-secret", " ", "sitecore.cdp.base-url", "http://api.example.com"));
		assertThat(report.description()).startsWith("3 Sitecore CDP properties are invalid")
			.contains("sitecore.cdp.region is 'mars', which is no Sitecore CDP region.")
			.contains("sitecore.cdp.api-secret is not set")
			.contains("sitecore.cdp.base-url (http://api.example.com) does not use https");
		assertThat(report.action()).contains("Set sitecore.cdp.region to one of eu, us, ap, jpe")
			.contains("SITECORE_CDP_API_SECRET")
			.contains("Use an https URL for sitecore.cdp.base-url");
	}

	@Test
	void whenANamedRegistrationsRegionIsUnknownThenTheReportAlsoNamesItsMissingSecret(CapturedOutput output) {
		Report report = start(output, with(CREDENTIALS, Map.of("sitecore.cdp.clients.personalize.api-key", "p-key",
				"sitecore.cdp.clients.personalize.region", "mars")));
		assertThat(report.description()).startsWith("2 Sitecore CDP properties are invalid")
			.contains("sitecore.cdp.clients.personalize.region is 'mars', which is no Sitecore CDP region.")
			.contains("sitecore.cdp.clients.personalize.api-secret is not set");
		assertThat(report.action()).contains("sitecore.cdp.clients.personalize.base-url to the API host")
			.contains("SITECORE_CDP_CLIENTS_PERSONALIZE_API_SECRET");
	}

	@Test
	void whenARegistrationsOnlyPropertyIsAnUnknownRegionThenTheReportNamesTheRegionNotAnUnboundSetting(
			CapturedOutput output) {
		Report report = start(output, with(CREDENTIALS, Map.of("sitecore.cdp.clients.personalize.region", "mars",
				"sitecore.cdp.token-uri", "http://auth.example.com/t")));
		assertThat(report.description()).startsWith("2 Sitecore CDP properties are invalid")
			.contains("sitecore.cdp.clients.personalize.region is 'mars'")
			.contains("sitecore.cdp.token-uri (http://auth.example.com/t) does not use https")
			.doesNotContain("binds to no property");
	}

	@Test
	void whenADurationCannotBeReadThenTheReportAlsoNamesTheMissingApiKey(CapturedOutput output) {
		Report report = start(output,
				Map.of("sitecore.cdp.api-secret", "s3cr3t", "sitecore.cdp.token.refresh-ahead", "abc"));
		assertThat(report.description()).startsWith("2 Sitecore CDP properties are invalid")
			.contains("sitecore.cdp.token.refresh-ahead is 'abc', which is not a duration.")
			.contains("sitecore.cdp.api-key is not set");
		assertThat(report.action()).contains("Set sitecore.cdp.token.refresh-ahead to a duration such as 10s")
			.contains("SITECORE_CDP_API_KEY");
		assertThat(report.text()).doesNotContain("s3cr3t");
	}

	@Test
	void whenSeveralValuesCannotBeConvertedThenTheReportNamesEachWithWhatIsAccepted(CapturedOutput output) {
		Report report = start(output, with(CREDENTIALS,
				Map.of("sitecore.cdp.region", "mars", "sitecore.cdp.realtime.channel", "pigeon",
						"sitecore.cdp.events.queue-capacity", "lots", "sitecore.cdp.batch.max-file-size", "big",
						"sitecore.cdp.clients.personalize.token.max-backoff", "forever")));
		assertThat(report.description()).startsWith("5 Sitecore CDP properties are invalid")
			.contains("sitecore.cdp.region is 'mars'")
			.contains("sitecore.cdp.realtime.channel is 'pigeon'")
			.contains("sitecore.cdp.events.queue-capacity is 'lots', which is not a whole number.")
			.contains("sitecore.cdp.batch.max-file-size is 'big', which is not a data size.")
			.contains("sitecore.cdp.clients.personalize.token.max-backoff is 'forever', which is not a duration.");
		assertThat(report.action()).contains("Set sitecore.cdp.realtime.channel to one of ")
			.contains("mobile-app")
			.doesNotContain("MOBILE_APP")
			.contains("such as 10MB");
	}

	@Test
	void whenAUrlWithUserInformationCannotBeReadThenTheReportDoesNotEchoIt(CapturedOutput output) {
		Report report = start(output,
				with(CREDENTIALS, Map.of("sitecore.cdp.base-url", "https://user:hunter2@[api.example.com")));
		assertThat(report.description()).contains("sitecore.cdp.base-url").contains("not a URL");
		assertThat(output.toString()).doesNotContain("hunter2");
	}

	private static Map<String, Object> with(Map<String, Object> first, Map<String, Object> second) {
		Map<String, Object> all = new HashMap<>(first);
		all.putAll(second);
		return all;
	}

	/** Starts a real application, which fails, and returns the report it printed. */
	private static Report start(CapturedOutput output, Map<String, Object> properties) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run()
			.close());
		String printed = output.toString();
		int at = printed.lastIndexOf("APPLICATION FAILED TO START");
		assertThat(at).as("a failure report in %s", printed).isNotNegative();
		return new Report(printed.substring(at));
	}

	record Report(String text) {

		String description() {
			return between("Description:", "Action:");
		}

		String action() {
			return between("Action:", null);
		}

		private String between(String start, String end) {
			int from = this.text.indexOf(start);
			assertThat(from).as("%s in %s", start, this.text).isNotNegative();
			int to = (end != null) ? this.text.indexOf(end, from) : this.text.length();
			assertThat(to).as("%s in %s", end, this.text).isNotNegative();
			return this.text.substring(from + start.length(), to).strip();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SitecoreCdpAutoConfiguration.class)
	static class Application {

	}

}

package io.github.sitecorecdp.autoconfigure;

import java.util.Map;

import io.github.sitecorecdp.audience.AudienceExportClient;
import io.github.sitecorecdp.batch.BatchImportClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A missing bean of the starter is reported, in the application's real startup report, by
 * the properties that turn it on rather than by Spring Boot's "consider defining a bean".
 */
@ExtendWith(OutputCaptureExtension.class)
class MissingSitecoreCdpBeanFailureAnalyzerTests {

	@Test
	void whenTheBatchClientIsInjectedWithoutBasicAuthThenTheReportNamesItsProperties(CapturedOutput output) {
		start(NeedsBatchImportClient.class, Map.of("sitecore.cdp.api-key", "key", "sitecore.cdp.api-secret", "s3cr3t"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("required a bean of type BatchImportClient of the Sitecore CDP starter")
			.contains("sitecore.cdp.basic-auth.client-key and sitecore.cdp.basic-auth.api-token")
			.contains("SITECORE_CDP_BASIC_AUTH_API_TOKEN")
			.doesNotContain("Consider defining a bean")
			.doesNotContain("s3cr3t");
	}

	@Test
	void whenCdpWebClientIsInjectedWithOnlyNamedRegistrationsThenTheReportPointsAtApiKeyAndCdpClients(
			CapturedOutput output) {
		start(NeedsCdpWebClient.class, Map.of("sitecore.cdp.clients.personalize.api-key", "p-key",
				"sitecore.cdp.clients.personalize.api-secret", "p-secret"));
		assertThat(output).contains("required the bean 'cdpWebClient' of the Sitecore CDP starter")
			.contains("sitecore.cdp.api-key is set, and it is not (only named registrations are configured: "
					+ "personalize)")
			.contains("SITECORE_CDP_API_KEY")
			.contains("clients.webClient(\"personalize\")")
			.doesNotContain("Consider defining a bean");
	}

	@Test
	void whenTheStarterIsDisabledThenTheReportSaysSo(CapturedOutput output) {
		start(NeedsAudienceExportClient.class, Map.of("sitecore.cdp.enabled", "false"));
		assertThat(output).contains("required a bean of type AudienceExportClient of the Sitecore CDP starter")
			.contains("sitecore.cdp.enabled is false")
			.doesNotContain("Consider defining a bean");
	}

	@Test
	void whenABeanOfAnotherLibraryIsMissingThenSpringBootsReportStands(CapturedOutput output) {
		start(NeedsSomethingElse.class, Map.of("sitecore.cdp.api-key", "key", "sitecore.cdp.api-secret", "s3cr3t"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Consider defining a bean")
			.doesNotContain("Sitecore CDP starter");
	}

	private static void start(Class<?> configuration, Map<String, Object> properties) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(configuration)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run()
			.close());
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SitecoreCdpAutoConfiguration.class)
	@Import(BatchUser.class)
	static class NeedsBatchImportClient {

	}

	static class BatchUser {

		BatchUser(BatchImportClient client) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SitecoreCdpAutoConfiguration.class)
	@Import(WebClientUser.class)
	static class NeedsCdpWebClient {

	}

	static class WebClientUser {

		WebClientUser(@Qualifier("cdpWebClient") WebClient client) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SitecoreCdpAutoConfiguration.class)
	@Import(ExportUser.class)
	static class NeedsAudienceExportClient {

	}

	static class ExportUser {

		ExportUser(AudienceExportClient client) {
		}

	}

	interface SomethingElse {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SitecoreCdpAutoConfiguration.class)
	@Import(OtherUser.class)
	static class NeedsSomethingElse {

	}

	static class OtherUser {

		OtherUser(SomethingElse other) {
		}

	}

}

package io.github.sitecorecdp.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.boot.origin.SystemEnvironmentOrigin;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;

import static io.github.sitecorecdp.autoconfigure.StartupRefusals.refused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How named registrations come to exist from application.yml and environment variables,
 * and how settings that create none are refused at startup instead of leaving the
 * application to call the wrong host.
 */
class RegistrationBindingTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=s3cr3t");

	@Test
	void whenARegistrationComesFromEnvironmentVariablesOnlyThenItBinds() {
		this.contextRunner
			.withInitializer(environment(Map.of("SITECORE_CDP_CLIENTS_PERSONALIZE_API_KEY", "p-key",
					"SITECORE_CDP_CLIENTS_PERSONALIZE_API_SECRET", "p-secret")))
			.run((context) -> assertThat(context.getBean(CdpClients.class).names()).containsExactly("default",
					"personalize"));
	}

	@Test
	void whenAHyphenatedRegistrationIsNamedInYamlThenItsEnvironmentVariablesBind() {
		this.contextRunner.withInitializer(yaml("""
				sitecore:
				  cdp:
				    clients:
				      xm-cloud:
				        region: eu
				"""))
			.withInitializer(environment(Map.of("SITECORE_CDP_CLIENTS_XM_CLOUD_API_KEY", "x-key",
					"SITECORE_CDP_CLIENTS_XM_CLOUD_API_SECRET", "x-secret")))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(CdpClients.class).names()).containsExactly("default", "xm-cloud");
			});
	}

	@Test
	void whenARegistrationIsOnlyAnEmptyMapInYamlThenTheApplicationNeverStartsWithoutIt() {
		// Spring Boot 4 drops "personalize: {}", and the environment variables alone make the
		// registration; Spring Boot 3.5 keeps an empty registration that they do not bind to,
		// and startup refuses it by name. Either way, never an application without it.
		this.contextRunner.withInitializer(yaml("""
				sitecore:
				  cdp:
				    clients:
				      personalize: {}
				"""))
			.withInitializer(environment(Map.of("SITECORE_CDP_CLIENTS_PERSONALIZE_API_KEY", "p-key",
					"SITECORE_CDP_CLIENTS_PERSONALIZE_API_SECRET", "p-secret")))
			.run((context) -> {
				if (context.getStartupFailure() != null) {
					FailureAnalysis analysis = new InvalidSitecoreCdpPropertyFailureAnalyzer()
						.analyze(context.getStartupFailure());
					assertThat(analysis).isNotNull();
					assertThat(analysis.getDescription()).contains("sitecore.cdp.clients.personalize.api-key");
				}
				else {
					assertThat(context.getBean(CdpClients.class).names()).contains("personalize");
				}
			});
	}

	@Test
	void whenAnEnvironmentVariableNamesAHyphenatedRegistrationNotInTheConfigurationThenStartupFailsNamingIt() {
		this.contextRunner
			.withInitializer(environment(Map.of("SITECORE_CDP_CLIENTS_XM_CLOUD_API_KEY", "x-key",
					"SITECORE_CDP_CLIENTS_XM_CLOUD_API_SECRET", "x-secret")))
			.run(refused((analysis) -> {
				assertThat(analysis.getDescription()).contains("SITECORE_CDP_CLIENTS_XM_CLOUD_API_")
					.contains("no registration 'xm-cloud'")
					.doesNotContain("x-secret");
				assertThat(analysis.getAction())
					.contains("sitecore.cdp.clients.xm-cloud.api-key: ${SITECORE_CDP_CLIENTS_XM_CLOUD_API_KEY}");
			}));
	}

	@Test
	void whenSeveralEnvironmentVariablesNameAnUnboundRegistrationThenStartupFailsNamingEachOfThem() {
		this.contextRunner
			.withInitializer(applicationEnvironment(Map.of("SITECORE_CDP_CLIENTS_XM_CLOUD_API_KEY", "x-key",
					"SITECORE_CDP_CLIENTS_XM_CLOUD_API_SECRET", "x-secret", "SITECORE_CDP_CLIENTS_XM_CLOUD_REGION", "eu")))
			.run(refused((analysis) -> assertThat(analysis.getDescription()).contains("The environment variables ")
				.contains("SITECORE_CDP_CLIENTS_XM_CLOUD_API_KEY")
				.contains("SITECORE_CDP_CLIENTS_XM_CLOUD_API_SECRET")
				.contains("SITECORE_CDP_CLIENTS_XM_CLOUD_REGION")
				.contains("no registration takes them")
				.doesNotContain("x-secret")));
	}

	@Test
	void whenTheApplicationsEnvironmentVariableNamesNoRegistrationThenStartupFailsNamingIt() {
		// As in a running application, whose environment variables carry their own origin.
		this.contextRunner
			.withInitializer(applicationEnvironment(Map.of("SITECORE_CDP_CLIENTS_XM_CLOUD_API_KEY", "x-key")))
			.run(refused((analysis) -> assertThat(analysis.getDescription())
				.contains("The environment variable SITECORE_CDP_CLIENTS_XM_CLOUD_API_KEY")));
	}

	@Test
	void whenARegistrationsOnlyPropertyIsMisspeltThenStartupFailsNamingIt() {
		this.contextRunner.withPropertyValues("sitecore.cdp.clients.personalize.api-kee=p-key")
			.run(refused((analysis) -> {
				assertThat(analysis.getDescription()).contains("sitecore.cdp.clients.personalize.api-kee is set")
					.contains("no registration 'personalize'");
				assertThat(analysis.getAction()).contains("sitecore.cdp.clients.personalize.api-key");
			}));
	}

	@Test
	void whenEveryEnvironmentVariableBelongsToARegistrationThenNothingIsRefused() {
		this.contextRunner.withPropertyValues("sitecore.cdp.clients.xm-cloud.base-url=https://xmc.example.com")
			.withInitializer(applicationEnvironment(Map.of("SITECORE_CDP_CLIENTS_XM_CLOUD_API_KEY", "x-key",
					"SITECORE_CDP_CLIENTS_XM_CLOUD_API_SECRET", "x-secret", "SITECORE_CDP_API_TIMEOUT_UNRELATED", "1")))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void whenANamedRegistrationsKeyEndsWithATabThenStartupFailsNamingIt() {
		this.contextRunner
			.withInitializer(environment(Map.of("SITECORE_CDP_CLIENTS_PERSONALIZE_API_KEY", "p-key\t",
					"SITECORE_CDP_CLIENTS_PERSONALIZE_API_SECRET", "p-secret")))
			.run(refused((analysis) -> {
				assertThat(analysis.getDescription())
					.contains("sitecore.cdp.clients.personalize.api-key starts or ends with white space");
				assertThat(analysis.getAction()).contains("SITECORE_CDP_CLIENTS_PERSONALIZE_API_KEY");
			}));
	}

	private static ApplicationContextInitializer<ConfigurableApplicationContext> environment(
			Map<String, Object> variables) {
		return (context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					variables));
	}

	private static ApplicationContextInitializer<ConfigurableApplicationContext> applicationEnvironment(
			Map<String, Object> variables) {
		return (context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new OriginAwareEnvironment(variables));
	}

	private static ApplicationContextInitializer<ConfigurableApplicationContext> yaml(String yaml) {
		return (context) -> {
			try {
				for (PropertySource<?> source : new YamlPropertySourceLoader().load("application.yml",
						new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))) {
					context.getEnvironment().getPropertySources().addLast(source);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		};
	}

	/**
	 * Environment variables as Spring Boot presents them to an application: each with a
	 * {@link SystemEnvironmentOrigin}.
	 */
	static final class OriginAwareEnvironment extends SystemEnvironmentPropertySource implements OriginLookup<String> {

		OriginAwareEnvironment(Map<String, Object> variables) {
			super(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables);
		}

		@Override
		public Origin getOrigin(String key) {
			return new SystemEnvironmentOrigin(key);
		}

	}
}

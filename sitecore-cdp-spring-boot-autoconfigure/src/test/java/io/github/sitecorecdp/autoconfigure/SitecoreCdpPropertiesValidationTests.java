package io.github.sitecorecdp.autoconfigure;

import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import static io.github.sitecorecdp.autoconfigure.StartupRefusals.refused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Startup refusals of wrong or unsafe {@code sitecore.cdp.*} configuration, as the
 * failure analyzer reports them.
 */
class SitecoreCdpPropertiesValidationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class));

	private final ApplicationContextRunner configured = this.contextRunner
		.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=s3cr3t");

	@Test
	void whenApiKeyIsMissingThenStartupFailsNamingThePropertyAndWhereToGetIt() {
		this.contextRunner.withPropertyValues("sitecore.cdp.api-secret=s3cr3t").run(refused((analysis) -> {
			assertThat(analysis.getDescription()).contains("sitecore.cdp.api-key is not set");
			assertThat(analysis.getAction()).contains("SITECORE_CDP_API_KEY")
				.contains("Sitecore Cloud Portal")
				.contains("sitecore.cdp.enabled=false");
		}));
	}

	@Test
	void whenApiSecretIsBlankThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=  ")
			.run(refused((analysis) -> {
				assertThat(analysis.getDescription()).contains("sitecore.cdp.api-secret is not set");
				assertThat(analysis.getAction()).contains("SITECORE_CDP_API_SECRET");
			}));
	}

	@Test
	void whenTheApiKeyIsAnUnresolvedPlaceholderThenStartupFailsNamingTheVariable() {
		// Spring leaves ${SITECORE_CDP_API_KEY} as it is when nothing defines it.
		this.contextRunner
			.withPropertyValues("sitecore.cdp.api-key=${SITECORE_CDP_API_KEY_UNSET}", "sitecore.cdp.api-secret=s3cr3t")
			.run(refused((analysis) -> {
				assertThat(analysis.getDescription()).contains("sitecore.cdp.api-key")
					.contains("unresolved placeholder")
					.contains("SITECORE_CDP_API_KEY_UNSET");
				assertThat(analysis.getAction()).contains("SITECORE_CDP_API_KEY_UNSET").contains("SITECORE_CDP_API_KEY ");
			}));
	}

	@Test
	void whenTheApiSecretIsAnUnresolvedPlaceholderWithAnEmptyDefaultThenStartupFails() {
		this.contextRunner.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=${MY_SECRET_UNSET}")
			.run(refused((analysis) -> assertThat(analysis.getDescription()).contains("sitecore.cdp.api-secret")
				.contains("MY_SECRET_UNSET")));
	}

	@Test
	void whenTheDefaultLocaleIsTurkishThenTheEnvironmentVariableHintIsStillAscii() {
		Locale previous = Locale.getDefault();
		Locale.setDefault(Locale.forLanguageTag("tr-TR"));
		try {
			this.contextRunner.withPropertyValues("sitecore.cdp.api-secret=s3cr3t")
				.run(refused((analysis) -> assertThat(analysis.getAction()).contains("SITECORE_CDP_API_KEY")));
		}
		finally {
			Locale.setDefault(previous);
		}
	}

	@Test
	void whenTokenUriIsPlainHttpToARemoteHostThenStartupFails() {
		this.configured.withPropertyValues("sitecore.cdp.token-uri=http://auth.example.com/oauth/token")
			.run(refused((analysis) -> {
				assertThat(analysis.getDescription()).contains("sitecore.cdp.token-uri")
					.contains("http://auth.example.com/oauth/token")
					.contains("does not use https");
				assertThat(analysis.getAction()).contains("https").contains("loopback");
			}));
	}

	@Test
	void whenBaseUrlIsPlainHttpToARemoteHostThenStartupFails() {
		this.configured.withPropertyValues("sitecore.cdp.base-url=http://10.1.2.3:8080")
			.run(refused((analysis) -> assertThat(analysis.getDescription()).contains("sitecore.cdp.base-url")
				.contains("does not use https")));
	}

	@Test
	void whenUrlsArePlainHttpOnLoopbackThenTheyAreAccepted() {
		for (String host : new String[] { "localhost", "127.0.0.1", "127.8.9.10", "[::1]" }) {
			this.configured
				.withPropertyValues("sitecore.cdp.token-uri=http://" + host + ":8080/oauth/token",
						"sitecore.cdp.base-url=http://" + host + ":8081")
				.run((context) -> assertThat(context).hasNotFailed());
		}
	}

	@Test
	void whenTokenUriIsRelativeThenStartupFails() {
		this.configured.withPropertyValues("sitecore.cdp.token-uri=/oauth/token")
			.run(refused((analysis) -> assertThat(analysis.getDescription()).contains("sitecore.cdp.token-uri")
				.contains("not an absolute URL")));
	}

	@Test
	void whenUrlCarriesUserInformationThenStartupFailsWithoutEchoingIt() {
		this.configured.withPropertyValues("sitecore.cdp.base-url=https://user:hunter2@api.example.com")
			.run(refused((analysis) -> {
				assertThat(analysis.getDescription()).contains("sitecore.cdp.base-url").doesNotContain("hunter2");
				assertThat(analysis.getAction()).doesNotContain("hunter2");
			}));
	}

	@Test
	void whenADurationIsNotPositiveThenStartupFailsNamingIt() {
		this.configured.withPropertyValues("sitecore.cdp.token.response-timeout=0s")
			.run(refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.token.response-timeout is 0s,")
				.contains("longer than zero")));
		this.configured.withPropertyValues("sitecore.cdp.connect-timeout=-1s")
			.run(refused((analysis) -> assertThat(analysis.getDescription()).contains("sitecore.cdp.connect-timeout")));
	}

	@Test
	void whenABackoffWouldOverflowThenStartupFailsNamingIt() {
		// 110000 days overflowed Duration.toNanos inside the error handler and wedged the
		// token manager for good.
		this.configured
			.withPropertyValues("sitecore.cdp.token.initial-backoff=110000d", "sitecore.cdp.token.max-backoff=110000d")
			.run(refused((analysis) -> {
				assertThat(analysis.getDescription()).contains("sitecore.cdp.token.initial-backoff")
					.contains("between 1ms and 1d");
				assertThat(analysis.getAction()).contains("sitecore.cdp.token.initial-backoff");
			}));
	}

	@Test
	void whenATimeoutIsBelowOneMillisecondThenStartupFailsNamingIt() {
		// Reactor Netty counts whole milliseconds: 500us would become 0, meaning no timeout.
		this.configured.withPropertyValues("sitecore.cdp.connect-timeout=500us")
			.run(refused((analysis) -> assertThat(analysis.getDescription()).contains("sitecore.cdp.connect-timeout")
				.contains("between 1ms and 1d")));
	}

	@Test
	void whenATimeoutIsLongerThanADayThenStartupFailsNamingIt() {
		this.configured.withPropertyValues("sitecore.cdp.token.connect-timeout=25d")
			.run(refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.token.connect-timeout")
				.contains("between 1ms and 1d")));
	}

	@Test
	void whenTheRecordBoundIsOutOfRangeThenStartupFailsNamingIt() {
		this.configured.withPropertyValues("sitecore.cdp.audience-export.max-record-size=512MB")
			.run(refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.audience-export.max-record-size")
				.contains("between 1KB and 256MB")));
		this.configured.withPropertyValues("sitecore.cdp.audience-export.max-record-size=10B")
			.run(refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.audience-export.max-record-size")));
	}

	@Test
	void whenExpiryMarginIsNotShorterThanRefreshAheadThenStartupFails() {
		this.configured
			.withPropertyValues("sitecore.cdp.token.refresh-ahead=1m", "sitecore.cdp.token.expiry-margin=1m")
			.run(refused((analysis) -> {
				assertThat(analysis.getDescription()).contains("sitecore.cdp.token.expiry-margin")
					.contains("sitecore.cdp.token.refresh-ahead");
				assertThat(analysis.getAction()).contains("shorter");
			}));
	}

	@Test
	void whenInitialBackoffExceedsMaxBackoffThenStartupFails() {
		this.configured.withPropertyValues("sitecore.cdp.token.initial-backoff=1m", "sitecore.cdp.token.max-backoff=30s")
			.run(refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.token.initial-backoff")
				.contains("sitecore.cdp.token.max-backoff")));
	}

	@Test
	void whenAudienceIsBlankThenStartupFails() {
		this.configured.withPropertyValues("sitecore.cdp.audience= ")
			.run(refused((analysis) -> assertThat(analysis.getDescription()).contains("sitecore.cdp.audience")));
	}

	@Test
	void whenStartupIsRefusedThenTheSecretIsNotInTheReport() {
		this.configured.withPropertyValues("sitecore.cdp.token-uri=http://auth.example.com/oauth/token")
			.run(refused((analysis) -> {
				assertThat(analysis.getDescription()).doesNotContain("s3cr3t");
				assertThat(analysis.getAction()).doesNotContain("s3cr3t");
			}));
	}

	@Test
	void whenTheApiKeyStartsWithASpaceThenStartupFailsNamingIt() {
		this.contextRunner
			.withInitializer(exactly(Map.of("sitecore.cdp.api-key", " key", "sitecore.cdp.api-secret", "s3cr3t")))
			.run(refused((analysis) -> {
				assertThat(analysis.getDescription())
					.contains("sitecore.cdp.api-key starts or ends with white space");
				assertThat(analysis.getAction()).contains("SITECORE_CDP_API_KEY");
			}));
	}

	@Test
	void whenTheApiSecretEndsWithATabThenStartupFailsWithoutShowingIt() {
		this.contextRunner
			.withInitializer(exactly(Map.of("sitecore.cdp.api-key", "key", "sitecore.cdp.api-secret", "s3cr3t\t")))
			.run(refused((analysis) -> {
				assertThat(analysis.getDescription())
					.contains("sitecore.cdp.api-secret starts or ends with white space")
					.doesNotContain("s3cr3t");
				assertThat(analysis.getAction()).doesNotContain("s3cr3t");
			}));
	}

	@Test
	void whenTheBasicAuthApiTokenEndsWithALineBreakThenStartupFailsNamingIt() {
		this.configured
			.withInitializer(exactly(
					Map.of("sitecore.cdp.basic-auth.client-key", "ck", "sitecore.cdp.basic-auth.api-token", "t0ken\n")))
			.run(refused((analysis) -> assertThat(analysis.getDescription())
				.contains("sitecore.cdp.basic-auth.api-token starts or ends with white space")
				.doesNotContain("t0ken")));
	}

	@Test
	void whenTheSchemeIsMisspeltThenStartupSaysItIsNoSchemeTheClientCanCall() {
		this.configured.withPropertyValues("sitecore.cdp.base-url=htps://api-engage-eu.sitecorecloud.io")
			.run(refused((analysis) -> {
				assertThat(analysis.getDescription()).contains("sitecore.cdp.base-url")
					.contains("has the scheme 'htps'")
					.doesNotContain("does not use https");
				assertThat(analysis.getAction()).contains("https");
			}));
	}

	@Test
	void whenSeveralPropertiesAreWrongThenOneReportNamesEveryOne() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.api-secret=s3cr3t", "sitecore.cdp.token-uri=http://auth.example.com/t",
					"sitecore.cdp.token.connect-timeout=0s", "sitecore.cdp.batch.max-file-size=60MB")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOfSatisfying(InvalidSitecoreCdpPropertyException.class,
							(ex) -> assertThat(ex.getProperties()).containsExactly("sitecore.cdp.api-key",
									"sitecore.cdp.token-uri", "sitecore.cdp.token.connect-timeout",
									"sitecore.cdp.batch.max-file-size"));
				FailureAnalysis analysis = new InvalidSitecoreCdpPropertyFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).startsWith("4 Sitecore CDP properties are invalid")
					.contains("sitecore.cdp.api-key is not set")
					.contains("sitecore.cdp.token-uri (http://auth.example.com/t) does not use https")
					.contains("sitecore.cdp.token.connect-timeout is 0s")
					.contains("sitecore.cdp.batch.max-file-size is 60MB")
					.doesNotContain("s3cr3t");
				assertThat(analysis.getAction()).contains("SITECORE_CDP_API_KEY")
					.contains("Use an https URL for sitecore.cdp.token-uri")
					.contains("sitecore.cdp.token.connect-timeout to a duration")
					.contains("sitecore.cdp.batch.max-file-size to at most 50000000B");
			});
	}

	/** Values as they are: {@code withPropertyValues} trims them. */
	private static ApplicationContextInitializer<ConfigurableApplicationContext> exactly(Map<String, Object> values) {
		return (context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("exactly", values));
	}
}

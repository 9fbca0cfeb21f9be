package io.github.sitecorecdp.web;

import java.net.UnknownHostException;
import java.time.Duration;

import io.github.sitecorecdp.autoconfigure.CdpClients;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An API host that does not resolve (a typo in base-url) is reported with the properties
 * that chose it, on both clients, rather than as a bare network failure.
 */
class UnresolvedApiHostTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/** {@code .invalid} never resolves (RFC 6761). */
	private static final String UNRESOLVABLE = "https://api-engage-eu.sitecorecloud.invalid";

	private final FakeTokenEndpoint tokens = FakeTokenEndpoint.start()
		.credentials("cdp-key", "cdp-secret")
		.addClient("p-key", "p-secret", FakeTokenEndpoint.AUDIENCE, "personalize");

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.api-key=cdp-key", "sitecore.cdp.api-secret=cdp-secret",
				"sitecore.cdp.token-uri=" + this.tokens.uri(), "sitecore.cdp.base-url=" + UNRESOLVABLE);

	@AfterEach
	void stop() {
		this.tokens.close();
	}

	@Test
	void whenTheBaseUrlHostDoesNotResolveThenCdpWebClientsErrorNamesTheProperty() {
		this.contextRunner.run((context) -> {
			Throwable failure = catchThrowable(() -> context.getBean("cdpWebClient", WebClient.class)
				.get()
				.uri("/v2/guests")
				.retrieve()
				.toBodilessEntity()
				.block(TIMEOUT));
			assertThat(failure).cause()
				.isInstanceOf(UnknownHostException.class)
				.hasMessageContaining("api-engage-eu.sitecorecloud.invalid")
				.hasMessageContaining("check sitecore.cdp.base-url or sitecore.cdp.region");
		});
	}

	@Test
	void whenTheBaseUrlHostDoesNotResolveThenCdpRestClientsErrorNamesTheProperty() {
		this.contextRunner.run((context) -> {
			Throwable failure = catchThrowable(() -> context.getBean("cdpRestClient", RestClient.class)
				.get()
				.uri("/v2/guests")
				.retrieve()
				.toBodilessEntity());
			assertThat(failure).cause()
				.isInstanceOf(UnknownHostException.class)
				.hasMessageContaining("check sitecore.cdp.base-url or sitecore.cdp.region");
		});
	}

	@Test
	void whenANamedRegistrationsHostDoesNotResolveThenItsOwnPropertiesAreNamed() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.clients.personalize.api-key=p-key",
					"sitecore.cdp.clients.personalize.api-secret=p-secret")
			.run((context) -> {
				Throwable failure = catchThrowable(() -> context.getBean(CdpClients.class)
					.restClient("personalize")
					.get()
					.uri("/v3/flowDefinitions")
					.retrieve()
					.toBodilessEntity());
				assertThat(failure).cause()
					.isInstanceOf(UnknownHostException.class)
					.hasMessageContaining("check sitecore.cdp.clients.personalize.base-url or "
							+ "sitecore.cdp.clients.personalize.region (else sitecore.cdp.base-url");
			});
	}

}

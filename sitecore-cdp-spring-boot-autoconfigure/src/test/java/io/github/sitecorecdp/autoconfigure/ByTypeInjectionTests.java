package io.github.sitecorecdp.autoconfigure;

import io.github.sitecorecdp.testsupport.BootLine;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's clients are injected by name only: an application that already has one
 * {@code WebClient} or {@code RestClient} bean and injects it by type keeps working.
 */
class ByTypeInjectionTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(BootLine.webClientAutoConfiguration(),
				BootLine.restClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret");

	@Test
	void whenTheApplicationInjectsItsOwnClientsByTypeThenItGetsThemAndStarts() {
		this.contextRunner.withUserConfiguration(OwnClients.class, ByTypeUser.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ByTypeUser user = context.getBean(ByTypeUser.class);
			assertThat(user.webClient).isSameAs(context.getBean("ownWebClient"));
			assertThat(user.restClient).isSameAs(context.getBean("ownRestClient"));
		});
	}

	@Test
	void whenTheStarterClientsAreAskedForByQualifierThenTheyAreInjected() {
		this.contextRunner.withUserConfiguration(OwnClients.class, QualifiedUser.class).run((context) -> {
			assertThat(context).hasNotFailed();
			QualifiedUser user = context.getBean(QualifiedUser.class);
			assertThat(user.webClient).isSameAs(context.getBean("cdpWebClient"));
			assertThat(user.restClient).isSameAs(context.getBean("cdpRestClient"));
		});
	}

	@Test
	void whenAParameterIsOnlyNamedLikeTheStarterClientThenTheStartFailsAskingForARestClient() {
		// The README: a field or parameter of that name is not enough, @Qualifier is.
		this.contextRunner.withUserConfiguration(NamedOnlyUser.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining(RestClient.class.getName()));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClients {

		@Bean
		WebClient ownWebClient() {
			return WebClient.create();
		}

		@Bean
		RestClient ownRestClient() {
			return RestClient.create();
		}

	}

	static class ByTypeUser {

		final WebClient webClient;

		final RestClient restClient;

		ByTypeUser(WebClient webClient, RestClient restClient) {
			this.webClient = webClient;
			this.restClient = restClient;
		}

	}

	static class NamedOnlyUser {

		NamedOnlyUser(RestClient cdpRestClient) {
		}

	}

	static class QualifiedUser {

		final WebClient webClient;

		final RestClient restClient;

		QualifiedUser(@Qualifier("cdpWebClient") WebClient webClient,
				@Qualifier("cdpRestClient") RestClient restClient) {
			this.webClient = webClient;
			this.restClient = restClient;
		}

	}

}

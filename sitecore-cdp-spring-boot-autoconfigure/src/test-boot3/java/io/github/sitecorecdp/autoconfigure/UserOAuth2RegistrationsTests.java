package io.github.sitecorecdp.autoconfigure;

import io.github.sitecorecdp.token.CdpAccessTokenManager;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.security.oauth2.client.servlet.OAuth2ClientAutoConfiguration;
import org.springframework.boot.autoconfigure.security.oauth2.client.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's own {@code spring.security.oauth2.client.registration.*} keeps working
 * next to the starter, which brings no registration of its own.
 */
class UserOAuth2RegistrationsTests {

	private static final String[] PROPERTIES = { "sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=s3cr3t",
			"spring.security.oauth2.client.registration.github.client-id=gh-id",
			"spring.security.oauth2.client.registration.github.client-secret=gh-secret",
			"spring.security.oauth2.client.registration.github.provider=github" };

	@Test
	void whenTheAppHasItsOwnRegistrationsThenBootsRepositoryHoldsExactlyThem() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					SitecoreCdpAutoConfiguration.class))
			.withPropertyValues(PROPERTIES)
			.run((context) -> {
				assertThat(context).hasSingleBean(CdpAccessTokenManager.class);
				ClientRegistrationRepository repository = context.getBean(ClientRegistrationRepository.class);
				assertThat(repository.findByRegistrationId("github")).isNotNull();
				assertThat(repository.findByRegistrationId("sitecore-cdp")).isNull();
			});
	}

	@Test
	void whenAReactiveAppHasItsOwnRegistrationsThenBootsRepositoryHoldsExactlyThem() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ReactiveOAuth2ClientAutoConfiguration.class,
					SitecoreCdpAutoConfiguration.class))
			.withPropertyValues(PROPERTIES)
			.run((context) -> {
				assertThat(context).hasSingleBean(CdpAccessTokenManager.class);
				ReactiveClientRegistrationRepository repository = context
					.getBean(ReactiveClientRegistrationRepository.class);
				assertThat(repository).isInstanceOf(InMemoryReactiveClientRegistrationRepository.class);
				assertThat(repository.findByRegistrationId("github").block()).isNotNull();
				assertThat(repository.findByRegistrationId("sitecore-cdp").block()).isNull();
			});
	}

}

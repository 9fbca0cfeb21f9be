package io.github.sitecorecdp.autoconfigure;

import java.net.URI;
import java.util.Map;

import io.github.sitecorecdp.audience.AudienceExportClient;
import io.github.sitecorecdp.batch.BatchImportClient;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and beans of {@link SitecoreCdpAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class SitecoreCdpAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(BootLine.webClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=s3cr3t");

	@Test
	void whenKeyAndSecretAreSetThenCdpWebClientAndTokenManagerAreDefined() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(CdpAccessTokenManager.class);
			assertThat(context).hasBean("cdpWebClient");
			assertThat(context.getBean("cdpWebClient")).isInstanceOf(WebClient.class);
		});
	}

	@Test
	void whenNothingInjectsTheRestClientAndTheFeatureClientsThenTheStartBuildsNoneOfThem() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.basic-auth.client-key=ck", "sitecore.cdp.basic-auth.api-token=token")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ConfigurableListableBeanFactory beans = context.getBeanFactory();
				for (String name : new String[] { "cdpRestClient", "audienceExportClient", "batchImportClient" }) {
					assertThat(beans.containsBeanDefinition(name)).as(name).isTrue();
					assertThat(beans.containsSingleton(name)).as(name + " built at start").isFalse();
				}
				assertThat(beans.containsSingleton("cdpWebClient")).isTrue();
				assertThat(context.getBean(BatchImportClient.class)).isNotNull();
				assertThat(context.getBean(AudienceExportClient.class)).isNotNull();
				assertThat(context.getBean("cdpRestClient")).isInstanceOf(RestClient.class);
				assertThat(beans.containsSingleton("batchImportClient")).isTrue();
				assertThat(beans.containsSingleton("audienceExportClient")).isTrue();
				assertThat(beans.containsSingleton("cdpRestClient")).isTrue();
			});
	}

	@Test
	void whenDisabledThenNothingIsConfigured() {
		this.contextRunner.withPropertyValues("sitecore.cdp.enabled=false", "sitecore.cdp.api-key=")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(CdpAccessTokenManager.class);
				assertThat(context).doesNotHaveBean("cdpWebClient");
				assertThat(context).doesNotHaveBean(SitecoreCdpProperties.class);
			});
	}

	@Test
	void whenUserDefinesCdpWebClientThenTheirsIsUsed() {
		this.contextRunner.withUserConfiguration(UserCdpWebClientConfiguration.class).run((context) -> {
			assertThat(context.getBean("cdpWebClient")).isSameAs(UserCdpWebClientConfiguration.CLIENT);
			assertThat(context).hasSingleBean(CdpAccessTokenManager.class);
		});
	}

	@Test
	void whenWebClientIsNotOnTheClasspathThenBacksOff() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(WebClient.class))
			.run((context) -> assertThat(context).doesNotHaveBean(CdpAccessTokenManager.class));
	}

	@Test
	void whenSpringSecurityOAuth2ClientIsNotOnTheClasspathThenBacksOff() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.security.oauth2.client"))
			.run((context) -> assertThat(context).doesNotHaveBean(CdpAccessTokenManager.class));
	}

	@Test
	void whenConfiguredThenNoSpringSecurityOAuth2BeansAndNoWebClientCustomizerArePublished() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(ClientRegistrationRepository.class);
			assertThat(context).doesNotHaveBean(ReactiveClientRegistrationRepository.class);
			assertThat(context).doesNotHaveBean(OAuth2AuthorizedClientService.class);
			assertThat(context).doesNotHaveBean(ReactiveOAuth2AuthorizedClientService.class);
			assertThat(context).doesNotHaveBean(OAuth2AuthorizedClientManager.class);
			assertThat(context).doesNotHaveBean(ReactiveOAuth2AuthorizedClientManager.class);
			assertThat(context).doesNotHaveBean(ReactiveOAuth2AccessTokenResponseClient.class);
			assertThat(context).doesNotHaveBean(ServerOAuth2AuthorizedClientExchangeFilterFunction.class);
			assertThat(context).doesNotHaveBean(ExchangeFilterFunction.class);
			assertThat(context).doesNotHaveBean(BootLine.webClientCustomizer());
		});
	}

	@Test
	void whenRegionIsSetThenBaseUrlFollowsIt() {
		this.contextRunner.withPropertyValues("sitecore.cdp.region=jpe")
			.run((context) -> assertThat(context.getBean(SitecoreCdpProperties.class).determineBaseUrl())
				.isEqualTo(URI.create("https://api-engage-jpe.sitecorecloud.io")));
	}

	@Test
	void whenBaseUrlIsSetThenItOverridesTheRegion() {
		this.contextRunner.withPropertyValues("sitecore.cdp.region=us", "sitecore.cdp.base-url=https://api.boxever.com")
			.run((context) -> assertThat(context.getBean(SitecoreCdpProperties.class).determineBaseUrl())
				.isEqualTo(URI.create("https://api.boxever.com")));
	}

	@Test
	void whenCredentialsComeFromEnvironmentVariablesThenTheyBind() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						Map.of("SITECORE_CDP_API_KEY", "env-key", "SITECORE_CDP_API_SECRET", "env-secret"))))
			.run((context) -> {
				SitecoreCdpProperties properties = context.getBean(SitecoreCdpProperties.class);
				assertThat(properties.getApiKey()).isEqualTo("env-key");
				assertThat(properties.getApiSecret()).isEqualTo("env-secret");
			});
	}

	@Test
	void whenThereIsNoWebClientBuilderBeanThenCdpWebClientIsStillDefined() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=s3cr3t")
			.run((context) -> assertThat(context).hasBean("cdpWebClient"));
	}

	@Test
	void whenStartedThenOneInfoLineNamesHostAndTokenEndpointButNoSecret(CapturedOutput output) {
		this.contextRunner.withPropertyValues("sitecore.cdp.region=us").run((context) -> {
			assertThat(context).hasNotFailed();
			context.getBean("cdpWebClient");
		});
		assertThat(output).contains("Sitecore CDP client for https://api-engage-us.sitecorecloud.io, access tokens "
				+ "from https://auth.sitecorecloud.io/oauth/token");
		assertThat(output).doesNotContain("s3cr3t");
	}

	@Test
	void whenPropertiesArePrintedThenTheSecretIsNot() {
		this.contextRunner.run((context) -> assertThat(context.getBean(SitecoreCdpProperties.class).toString())
			.doesNotContain("s3cr3t"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCdpWebClientConfiguration {

		static final WebClient CLIENT = WebClient.create("https://example.com");

		@Bean
		WebClient cdpWebClient() {
			return CLIENT;
		}

	}

}

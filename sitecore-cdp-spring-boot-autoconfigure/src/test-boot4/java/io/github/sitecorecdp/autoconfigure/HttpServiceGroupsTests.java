package io.github.sitecorecdp.autoconfigure;

import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.RecordedCdpRequest;
import io.github.sitecorecdp.testsupport.EchoPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.service.ReactiveHttpServiceClientAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.HttpServiceGroup;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring Boot 4's HTTP service groups: one named like a registration gets its base URL and
 * token with nothing but the annotation; the application's own groups stay as they are.
 */
class HttpServiceGroupsTests {

	private final FakeTokenEndpoint tokens = FakeTokenEndpoint.start()
		.credentials("cdp-key", "cdp-secret")
		.addClient("personalize-key", "personalize-secret", FakeTokenEndpoint.AUDIENCE, "personalize.flows:r");

	private final FakeCdpApi personalizeApi = FakeCdpApi.start(this.tokens).stub("/**", EchoPath::json);

	private final FakeCdpApi otherApi = FakeCdpApi.start(this.tokens).stub("/**", EchoPath::json);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
				HttpServiceClientPropertiesAutoConfiguration.class, RestClientAutoConfiguration.class,
				HttpServiceClientAutoConfiguration.class, WebClientAutoConfiguration.class,
				ReactiveHttpServiceClientAutoConfiguration.class, SitecoreCdpAutoConfiguration.class))
		.withUserConfiguration(Services.class)
		.withPropertyValues("sitecore.cdp.api-key=cdp-key", "sitecore.cdp.api-secret=cdp-secret",
				"sitecore.cdp.token-uri=" + this.tokens.uri(),
				"sitecore.cdp.clients.personalize.api-key=personalize-key",
				"sitecore.cdp.clients.personalize.api-secret=personalize-secret",
				"sitecore.cdp.clients.personalize.base-url=" + this.personalizeApi.baseUrl(),
				"spring.http.serviceclient.other.base-url=" + this.otherApi.baseUrl(),
				"spring.http.serviceclient.default.base-url=" + this.otherApi.baseUrl());

	@AfterEach
	void stop() {
		this.personalizeApi.close();
		this.otherApi.close();
		this.tokens.close();
	}

	@Test
	void whenARestClientGroupIsNamedLikeARegistrationThenItCallsThatApiWithItsToken() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(FlowDefinitions.class).list()).contains("/v3/flowDefinitions");
		});
		assertThat(this.tokens.lastRequest().form()).containsEntry("client_id", "personalize-key");
		assertThat(this.personalizeApi.requests()).singleElement()
			.satisfies((request) -> assertThat(request.status()).isEqualTo(200))
			.extracting(RecordedCdpRequest::bearerToken)
			.isEqualTo(this.tokens.issuedTokens().get(0));
	}

	@Test
	void whenAWebClientGroupIsNamedLikeARegistrationThenItCallsThatApiWithItsToken() {
		this.contextRunner.run((context) -> assertThat(context.getBean(ReactiveFlowDefinitions.class).list().block())
			.contains("/v3/flowDefinitions"));
		assertThat(this.personalizeApi.requests()).singleElement()
			.extracting(RecordedCdpRequest::bearerToken)
			.isEqualTo(this.tokens.issuedTokens().get(0));
	}

	@Test
	void whenGroupsAreTheApplicationsOwnThenTheyGetNoTokenAndKeepTheirSettings() {
		// The fake API wants a token: the groups reach it, without one.
		this.contextRunner.run((context) -> {
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class)
				.isThrownBy(() -> context.getBean(OtherService.class).ping())
				.withMessageContaining("Missing bearer token");
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class)
				.isThrownBy(() -> context.getBean(DefaultGroupService.class).ping())
				.withMessageContaining("Missing bearer token");
		});
		assertThat(this.otherApi.requests()).hasSize(2)
			.allSatisfy((request) -> assertThat(request.header("Authorization")).isNull());
		assertThat(this.tokens.requestCount()).isZero();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "personalize", types = FlowDefinitions.class)
	@ImportHttpServices(group = "personalize", types = ReactiveFlowDefinitions.class,
			clientType = HttpServiceGroup.ClientType.WEB_CLIENT)
	@ImportHttpServices(group = "other", types = OtherService.class)
	@ImportHttpServices(types = DefaultGroupService.class)
	static class Services {

	}

	interface FlowDefinitions {

		@GetExchange("/v3/flowDefinitions")
		String list();

	}

	interface ReactiveFlowDefinitions {

		@GetExchange("/v3/flowDefinitions")
		Mono<String> list();

	}

	interface OtherService {

		@GetExchange("/v1/ping")
		void ping();

	}

	interface DefaultGroupService {

		@GetExchange("/v1/default-ping")
		void ping();

	}

}

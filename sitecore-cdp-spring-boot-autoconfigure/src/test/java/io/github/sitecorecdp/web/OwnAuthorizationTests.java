package io.github.sitecorecdp.web;

import java.time.Duration;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A request that carries its own {@code Authorization} (a Basic-auth API such as Batch or
 * Guest) keeps it, and its 401 never drops the OAuth token.
 */
class OwnAuthorizationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String BASIC = "Basic Y2xpZW50LWtleTphcGktdG9rZW4=";

	private FakeTokenEndpoint tokenEndpoint;

	private FakeCdpApi api;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() {
		this.tokenEndpoint = FakeTokenEndpoint.start()
			.credentials("test-key", "test-secret")
			.tokenValues((n) -> "token-" + n);
		this.api = FakeCdpApi.start(this.tokenEndpoint).stub("/**", EchoPath::json);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(BootLine.webClientAutoConfiguration(),
					BootLine.restClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=test-key", "sitecore.cdp.api-secret=test-secret",
					"sitecore.cdp.token-uri=" + this.tokenEndpoint.uri(), "sitecore.cdp.base-url=" + this.api.baseUrl());
	}

	@AfterEach
	void stop() {
		this.tokenEndpoint.close();
		this.api.close();
	}

	@Test
	void whenAWebClientRequestHasItsOwnAuthorizationThenItIsSentAndItsUnauthorizedKeepsTheToken() {
		this.contextRunner.run((context) -> {
			WebClient client = context.getBean("cdpWebClient", WebClient.class);
			client.get().uri("/v2/first").retrieve().toBodilessEntity().block(TIMEOUT);
			// The fake API accepts only its bearer tokens: Basic gets 401.
			assertThatExceptionOfType(WebClientResponseException.Unauthorized.class).isThrownBy(() -> client.get()
				.uri("/v2/basic")
				.header("Authorization", BASIC)
				.retrieve()
				.toBodilessEntity()
				.block(TIMEOUT));
			client.get().uri("/v2/after").retrieve().toBodilessEntity().block(TIMEOUT);
		});
		assertThat(this.api.requests()).extracting((request) -> request.header("Authorization"))
			.containsExactly("Bearer token-1", BASIC, "Bearer token-1");
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
	}

	@Test
	void whenARestClientRequestHasItsOwnAuthorizationThenItIsSentAndItsUnauthorizedKeepsTheToken() {
		this.contextRunner.run((context) -> {
			RestClient client = context.getBean("cdpRestClient", RestClient.class);
			client.get().uri("/v2/first").retrieve().toBodilessEntity();
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(() -> client.get()
				.uri("/v2/basic")
				.header("Authorization", BASIC)
				.retrieve()
				.toBodilessEntity());
			client.get().uri("/v2/after").retrieve().toBodilessEntity();
		});
		assertThat(this.api.requests()).extracting((request) -> request.header("Authorization"))
			.containsExactly("Bearer token-1", BASIC, "Bearer token-1");
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
	}

	@Test
	void whenTheApplicationSetsALowerCaseAuthorizationThenItIsSentAsSetAndNoTokenIsFetched() {
		// Looked up by its lower-case name, which the case-insensitive map does not copy.
		this.contextRunner.run((context) -> {
			RestClient client = context.getBean("cdpRestClient", RestClient.class);
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(
					() -> client.get().uri("/v2/x").header("authorization", "Bearer mine").retrieve().body(String.class));
		});
		assertThat(this.api.requests().get(0).headers().get("authorization")).containsExactly("Bearer mine");
		assertThat(this.tokenEndpoint.requestCount()).isZero();
	}

}

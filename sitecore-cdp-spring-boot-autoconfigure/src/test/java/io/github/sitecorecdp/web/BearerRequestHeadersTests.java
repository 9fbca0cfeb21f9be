package io.github.sitecorecdp.web;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.RecordedCdpRequest;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The headers of {@code cdpRestClient}'s requests as they reach the API: the token layer
 * keeps the application's headers in a case-insensitive map of its own and copies them
 * onto the wire request for each attempt, so names differing in case, several values and
 * the body's length must arrive as the application set them, on the replay after a
 * {@code 401} too.
 */
class BearerRequestHeadersTests {

	private final FakeTokenEndpoint tokenEndpoint = FakeTokenEndpoint.start()
		.credentials("test-key", "test-secret")
		.tokenValues((n) -> "token-" + n);

	private final FakeCdpApi api = FakeCdpApi.start(this.tokenEndpoint).stub("/**", EchoPath::json);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(BootLine.restClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.api-key=test-key", "sitecore.cdp.api-secret=test-secret",
				"sitecore.cdp.token-uri=" + this.tokenEndpoint.uri(), "sitecore.cdp.base-url=" + this.api.baseUrl());

	@AfterEach
	void stop() {
		this.tokenEndpoint.close();
		this.api.close();
	}

	@Test
	void whenAnInterceptorSetsHeadersAndTheCallIsReplayedThenBothAttemptsCarryThemAsSet() {
		this.api.answerNextWith(401, 200);
		this.contextRunner.run((context) -> {
			RestClient client = context.getBean("cdpRestClient", RestClient.class)
				.mutate()
				.requestInterceptor((request, body, execution) -> {
					request.getHeaders().add("x-multi", "a");
					request.getHeaders().add("X-MULTI", "b");
					request.getHeaders().set("content-type", "application/json");
					request.getAttributes().put("k", "v");
					return execution.execute(request, body);
				})
				.build();
			client.post().uri("/v2/things").body("{\"a\":1}").retrieve().body(String.class);
		});
		assertThat(this.api.requests()).hasSize(2);
		for (RecordedCdpRequest request : this.api.requests()) {
			assertThat(request.headers().get("x-multi")).as("x-multi").containsExactly("a", "b");
			assertThat(request.headers().get("content-length")).as("content-length").containsExactly("7");
			assertThat(request.headers().get("authorization")).as("authorization").hasSize(1);
			assertThat(request.header("content-type")).startsWith("application/json");
			assertThat(request.body()).isEqualTo("{\"a\":1}");
		}
		assertThat(this.api.requests().get(0).header("Authorization")).isEqualTo("Bearer token-1");
		assertThat(this.api.requests().get(1).header("Authorization")).isEqualTo("Bearer token-2");
	}

	@Test
	void whenTheApplicationSetsALowerCaseAuthorizationThenItIsSentAsSetAndNoTokenIsFetched() {
		this.contextRunner.run((context) -> {
			RestClient client = context.getBean("cdpRestClient", RestClient.class);
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(
					() -> client.get().uri("/v2/x").header("authorization", "Bearer mine").retrieve().body(String.class));
		});
		assertThat(this.api.requests().get(0).headers().get("authorization")).containsExactly("Bearer mine");
		assertThat(this.tokenEndpoint.requestCount()).isZero();
	}

}

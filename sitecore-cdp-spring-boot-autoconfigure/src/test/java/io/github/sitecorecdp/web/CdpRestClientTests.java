package io.github.sitecorecdp.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeFileHost;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.RecordedCdpRequest;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What {@code cdpRestClient} sends over the wire: the same guarantees as
 * {@code cdpWebClient}, for blocking callers.
 */
class CdpRestClientTests {

	private FakeTokenEndpoint tokenEndpoint;

	private FakeCdpApi api;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void startServers() {
		this.tokenEndpoint = FakeTokenEndpoint.start()
			.credentials("test-key", "test-secret")
			.tokenValues((n) -> "token-" + n);
		this.api = FakeCdpApi.start(this.tokenEndpoint).stub("/**", EchoPath::json);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(BootLine.restClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=test-key", "sitecore.cdp.api-secret=test-secret",
					"sitecore.cdp.token-uri=" + this.tokenEndpoint.uri(), "sitecore.cdp.base-url=" + this.api.baseUrl());
	}

	@AfterEach
	void stopServers() {
		this.tokenEndpoint.close();
		this.api.close();
	}

	@Test
	void whenCalledThenApiRequestCarriesBearerTokenAndAcceptsJson() {
		run((client) -> get(client, "/v2/audienceExports/definitions/ref/latestExport"));
		RecordedCdpRequest request = this.api.requests().get(0);
		assertThat(request.path()).isEqualTo("/v2/audienceExports/definitions/ref/latestExport");
		assertThat(request.header("Authorization")).isEqualTo("Bearer token-1");
		assertThat(request.header("Accept")).isEqualTo("application/json");
		assertThat(this.tokenEndpoint.lastRequest().form()).containsEntry("audience",
				"https://api.sitecorecloud.io");
	}

	@Test
	void whenTwentyCallsThenOneTokenRequest() {
		run((client) -> {
			for (int i = 0; i < 20; i++) {
				get(client, "/v2/call/" + i);
			}
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
		assertThat(this.api.requestCount()).isEqualTo(20);
	}

	@Test
	void whenFiftyThreadsCallColdThenOneTokenRequest() {
		this.tokenEndpoint.delayTokenResponses(Duration.ofMillis(300));
		run((client) -> {
			ExecutorService threads = Executors.newFixedThreadPool(50);
			try {
				List<Future<String>> calls = new ArrayList<>();
				for (int i = 0; i < 50; i++) {
					String path = "/v2/call/" + i;
					calls.add(threads.submit((Callable<String>) () -> get(client, path)));
				}
				for (Future<String> call : calls) {
					assertThat(call.get()).contains("/v2/call/");
				}
			}
			finally {
				threads.shutdownNow();
			}
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
		assertThat(this.api.requestCount()).isEqualTo(50);
	}

	@Test
	void whenAbsoluteUrlToAnotherHostThenNoToken() {
		FakeFileHost otherHost = this.api.fileHost();
		run((client) -> client.get()
			.uri(otherHost.baseUrl() + "/file.gz")
			.retrieve()
			.onStatus((status) -> true, (request, response) -> {
			})
			.toBodilessEntity());
		assertThat(otherHost.requests()).singleElement()
			.satisfies((request) -> assertThat(request.header("Authorization")).isNull());
		assertThat(this.tokenEndpoint.requestCount()).isZero();
	}

	@Test
	void whenApiAnswers401OnceThenReplaysWithNewTokenAndSameBody() {
		this.api.answerNextWith(401, 200);
		run((client) -> client.post()
			.uri("/v2/things")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"name\":\"thing\"}")
			.retrieve()
			.body(String.class));
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
		assertThat(this.api.requestCount()).isEqualTo(2);
		RecordedCdpRequest first = this.api.requests().get(0);
		RecordedCdpRequest replay = this.api.requests().get(1);
		assertThat(first.header("Authorization")).isEqualTo("Bearer token-1");
		assertThat(replay.header("Authorization")).isEqualTo("Bearer token-2");
		assertThat(replay.body()).isEqualTo(first.body());
		assertThat(replay.body()).isEqualTo("{\"name\":\"thing\"}");
	}

	@Test
	void whenApiAnswers401TwiceThenCallerSees401AfterOneReplay() {
		this.api.answerNextWith(401, 401);
		run((client) -> assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class)
			.isThrownBy(() -> get(client, "/v2/forbidden")));
		assertThat(this.api.requestCount()).isEqualTo(2);
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
	}

	@Test
	void whenBothClientsAreUsedThenTheyShareOneToken() {
		this.contextRunner.run((context) -> {
			get(context.getBean("cdpRestClient", RestClient.class), "/v2/rest");
			context.getBean("cdpWebClient", WebClient.class)
				.get()
				.uri("/v2/web")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10));
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
		assertThat(this.api.requests()).extracting((request) -> request.header("Authorization"))
			.containsOnly("Bearer token-1");
	}

	@Test
	void whenUserDefinesCdpRestClientThenTheirsIsUsed() {
		this.contextRunner.withUserConfiguration(UserCdpRestClientConfiguration.class)
			.run((context) -> assertThat(context.getBean("cdpRestClient"))
				.isSameAs(UserCdpRestClientConfiguration.CLIENT));
	}

	private void run(ClientAction action) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			action.accept(context.getBean("cdpRestClient", RestClient.class));
		});
	}

	private static String get(RestClient client, String path) {
		return client.get().uri(path).retrieve().body(String.class);
	}

	@Test
	void whenAnInterceptorSetsHeadersAndTheCallIsReplayedThenBothAttemptsCarryThemAsSet() {
		// The token layer copies the application's headers onto the wire request for each
		// attempt from a case-insensitive map of its own.
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

	@FunctionalInterface
	interface ClientAction {

		void accept(RestClient client) throws Exception;

	}

	@Configuration(proxyBeanMethods = false)
	static class UserCdpRestClientConfiguration {

		static final RestClient CLIENT = RestClient.create("https://example.com");

		@Bean
		RestClient cdpRestClient() {
			return CLIENT;
		}

	}

}

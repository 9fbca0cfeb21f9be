package io.github.sitecorecdp.web;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeFileHost;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.RecordedCdpRequest;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import io.github.sitecorecdp.token.CdpTokenEndpointUnreachableException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What {@code cdpWebClient} sends over the wire, against a token endpoint and API hosts on
 * loopback.
 */
class CdpWebClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

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
					AutoConfigurations.of(BootLine.webClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=test-key", "sitecore.cdp.api-secret=test-secret",
					"sitecore.cdp.token-uri=" + this.tokenEndpoint.uri(), "sitecore.cdp.base-url=" + this.api.baseUrl());
	}

	@AfterEach
	void stopServers() {
		this.tokenEndpoint.close();
		this.api.close();
	}

	@Test
	void whenCalledThenTokenRequestIsClientSecretPostFormWithAudience() {
		run((client) -> get(client, "/v2/ping"));
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
		RecordedCdpRequest request = this.tokenEndpoint.lastRequest();
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.path()).isEqualTo(FakeTokenEndpoint.PATH);
		assertThat(MediaType.parseMediaType(request.header("Content-Type")).isCompatibleWith(
				MediaType.APPLICATION_FORM_URLENCODED))
			.isTrue();
		assertThat(request.header("Authorization")).isNull();
		assertThat(request.form()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("grant_type",
				"client_credentials", "client_id", "test-key", "client_secret", "test-secret", "audience",
				"https://api.sitecorecloud.io"));
	}

	@Test
	void whenCalledThenApiRequestCarriesBearerTokenAndAcceptsJson() {
		run((client) -> get(client, "/v2/audienceExports/definitions/ref/latestExport"));
		RecordedCdpRequest request = this.api.requests().get(0);
		assertThat(request.path()).isEqualTo("/v2/audienceExports/definitions/ref/latestExport");
		assertThat(request.header("Authorization")).isEqualTo("Bearer token-1");
		assertThat(request.header("Accept")).isEqualTo("application/json");
	}

	@Test
	void whenTwentyCallsThenOneTokenRequest() {
		run((client) -> {
			for (int i = 0; i < 20; i++) {
				get(client, "/v2/call/" + i);
			}
		});
		assertThat(this.api.requestCount()).isEqualTo(20);
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
		assertThat(this.api.requests()).extracting((request) -> request.header("Authorization"))
			.containsOnly("Bearer token-1");
	}

	@Test
	void whenHundredConcurrentColdCallsThenOneTokenRequest() {
		this.tokenEndpoint.delayTokenResponses(Duration.ofMillis(300));
		run((client) -> {
			List<String> bodies = Flux.range(0, 100)
				.flatMap((i) -> client.get().uri("/v2/call/{i}", i).retrieve().bodyToMono(String.class), 100)
				.collectList()
				.block(TIMEOUT);
			assertThat(bodies).hasSize(100);
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
		assertThat(this.api.requestCount()).isEqualTo(100);
	}

	@Test
	void whenAThousandConcurrentColdCallsThenOneTokenRequest() {
		// The count docs/benchmarks.md gives, as the benchmark makes it.
		this.tokenEndpoint.delayTokenResponses(Duration.ofMillis(300));
		run((client) -> {
			List<String> bodies = Flux.range(0, 1000)
				.flatMap((i) -> client.get().uri("/v2/call/{i}", i).retrieve().bodyToMono(String.class), 1000)
				.collectList()
				.block(Duration.ofMinutes(1));
			assertThat(bodies).hasSize(1000);
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
		assertThat(this.api.requestCount()).isEqualTo(1000);
	}

	@Test
	void whenCallsUnderDifferentPrincipalsThenOneToken() {
		run((client) -> {
			for (String user : List.of("alice", "bob", "carol")) {
				client.get()
					.uri("/v2/as/{user}", user)
					.retrieve()
					.bodyToMono(String.class)
					.contextWrite(ReactiveSecurityContextHolder
						.withAuthentication(new TestingAuthenticationToken(user, "password", "ROLE_USER")))
					.block(TIMEOUT);
			}
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
		assertThat(this.api.requests()).extracting((request) -> request.header("Authorization"))
			.containsOnly("Bearer token-1");
	}

	@Test
	void whenAbsoluteUrlToAnotherHostThenNoToken() {
		FakeFileHost otherHost = this.api.fileHost();
		run((client) -> {
			get(client, "/v2/first");
			client.get().uri(otherHost.baseUrl() + "/file.gz").exchangeToMono(ClientResponse::releaseBody).block(TIMEOUT);
		});
		assertThat(otherHost.requests()).singleElement()
			.satisfies((request) -> assertThat(request.header("Authorization")).isNull());
	}

	@Test
	void whenApiAnswers401OnceThenReplaysWithNewTokenAndSameBody() {
		this.api.answerNextWith(401, 200);
		run((client) -> {
			String body = client.post()
				.uri("/v2/things")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"name\":\"thing\"}")
				.retrieve()
				.bodyToMono(String.class)
				.block(TIMEOUT);
			assertThat(body).contains("/v2/things");
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
		assertThat(this.api.requestCount()).isEqualTo(2);
		RecordedCdpRequest first = this.api.requests().get(0);
		RecordedCdpRequest replay = this.api.requests().get(1);
		assertThat(first.header("Authorization")).isEqualTo("Bearer token-1");
		assertThat(replay.header("Authorization")).isEqualTo("Bearer token-2");
		assertThat(replay.method()).isEqualTo("POST");
		assertThat(replay.body()).isEqualTo(first.body());
		assertThat(replay.body()).isEqualTo("{\"name\":\"thing\"}");
	}

	@Test
	void whenFormBodyMeets401ThenReplayIsByteIdentical() {
		this.api.answerNextWith(401, 200);
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("a", "1");
		form.add("b", "two words");
		run((client) -> client.post()
			.uri("/v2/form")
			.body(BodyInserters.fromFormData(form))
			.retrieve()
			.toBodilessEntity()
			.block(TIMEOUT));
		assertThat(this.api.requestCount()).isEqualTo(2);
		assertThat(this.api.requests().get(1).body()).isEqualTo(this.api.requests().get(0).body());
		assertThat(this.api.requests().get(1).body()).isEqualTo("a=1&b=two+words");
	}

	@Test
	void whenApiAnswers401TwiceThenCallerSees401AfterOneReplay() {
		this.api.answerNextWith(401, 401);
		run((client) -> assertThatExceptionOfType(WebClientResponseException.Unauthorized.class)
			.isThrownBy(() -> get(client, "/v2/forbidden")));
		assertThat(this.api.requestCount()).isEqualTo(2);
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
	}

	@Test
	void whenConcurrentCallsMeet401WithTheSameTokenThenOneNewToken() {
		run((client) -> {
			get(client, "/v2/warm-up");
			this.tokenEndpoint.revoke("token-1");
			// All twenty calls are in flight with the revoked token before the first 401 comes back.
			this.api.delayApiResponses(Duration.ofMillis(200));
			List<String> bodies = Flux.range(0, 20)
				.flatMap((i) -> client.get().uri("/v2/call/{i}", i).retrieve().bodyToMono(String.class), 20)
				.collectList()
				.block(TIMEOUT);
			assertThat(bodies).hasSize(20);
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
		List<String> afterWarmUp = this.api.requests()
			.subList(1, this.api.requestCount())
			.stream()
			.map((request) -> request.header("Authorization"))
			.toList();
		assertThat(afterWarmUp).filteredOn("Bearer token-2"::equals).hasSize(20);
		assertThat(afterWarmUp).filteredOn("Bearer token-1"::equals).hasSizeGreaterThan(1);
	}

	@Test
	void whenSingleUsePublisherBodyMeets401ThenReplaySendsTheSameBytes() {
		this.api.answerNextWith(401, 200);
		run((client) -> {
			Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
			sink.tryEmitNext("{\"once\":true}");
			sink.tryEmitComplete();
			client.post()
				.uri("/v2/stream")
				.contentType(MediaType.APPLICATION_JSON)
				.body(sink.asFlux(), String.class)
				.retrieve()
				.toBodilessEntity()
				.block(TIMEOUT);
		});
		assertReplayIsByteIdentical("{\"once\":true}");
	}

	@Test
	void whenASingleUseMonoBodyMeets401ThenReplaySendsTheSameBytesWithoutAskingItAgain() {
		this.api.answerNextWith(401, 200);
		AtomicInteger subscriptions = new AtomicInteger();
		Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
		sink.tryEmitNext("{\"once\":1}");
		sink.tryEmitComplete();
		Mono<String> once = sink.asFlux().next().doOnSubscribe((subscription) -> subscriptions.incrementAndGet());
		run((client) -> client.post()
			.uri("/v2/once")
			.contentType(MediaType.APPLICATION_JSON)
			.body(once, String.class)
			.retrieve()
			.toBodilessEntity()
			.block(TIMEOUT));
		assertReplayIsByteIdentical("{\"once\":1}");
		assertThat(subscriptions).hasValue(1);
	}

	@Test
	void whenAStreamedBodyMeets401ThenReplayStaysChunkedWithTheSameBytes() {
		this.api.answerNextWith(401, 200);
		run((client) -> client.post()
			.uri("/v2/lines")
			.contentType(MediaType.APPLICATION_NDJSON)
			.body(Flux.just("{\"a\":1}", "{\"b\":2}", "{\"c\":3}"), String.class)
			.retrieve()
			.toBodilessEntity()
			.block(TIMEOUT));
		assertReplayIsByteIdentical("{\"a\":1}{\"b\":2}{\"c\":3}");
		RecordedCdpRequest first = this.api.requests().get(0);
		RecordedCdpRequest replay = this.api.requests().get(1);
		assertThat(first.header("Transfer-Encoding")).isEqualTo("chunked");
		assertThat(first.header("Content-Length")).isNull();
		assertThat(replay.header("Transfer-Encoding")).isEqualTo("chunked");
		assertThat(replay.header("Content-Length")).isNull();
		assertThat(replay.header("Content-Type")).isEqualTo(first.header("Content-Type"));
	}

	@Test
	void whenInputStreamBodyMeets401ThenReplaySendsTheSameBytes() {
		this.api.answerNextWith(401, 200);
		byte[] content = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);
		run((client) -> client.put()
			.uri("/v2/upload")
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.body(BodyInserters.fromResource(new InputStreamResource(new ByteArrayInputStream(content))))
			.retrieve()
			.toBodilessEntity()
			.block(TIMEOUT));
		assertReplayIsByteIdentical("line one\nline two\n");
	}

	@Test
	void whenMultipartBodyMeets401ThenReplayKeepsBoundaryAndBytes() {
		this.api.answerNextWith(401, 200);
		MultipartBodyBuilder parts = new MultipartBodyBuilder();
		parts.part("name", "value");
		parts.part("file", new ByteArrayResource("content".getBytes(StandardCharsets.UTF_8)) {

			@Override
			public String getFilename() {
				return "file.txt";
			}

		});
		run((client) -> client.post()
			.uri("/v2/multipart")
			.body(BodyInserters.fromMultipartData(parts.build()))
			.retrieve()
			.toBodilessEntity()
			.block(TIMEOUT));
		RecordedCdpRequest first = this.api.requests().get(0);
		RecordedCdpRequest replay = this.api.requests().get(1);
		assertThat(replay.header("Content-Type")).startsWith("multipart/form-data;boundary=")
			.isEqualTo(first.header("Content-Type"));
		assertThat(replay.body()).isEqualTo(first.body());
		assertThat(replay.body()).contains("content").contains("file.txt");
	}

	@Test
	void whenBodyIsTooLargeToKeepThenReplayFailsWithAClearError() {
		this.api.answerNextWith(401, 200);
		byte[] large = new byte[RecordedBody.MAX_BYTES + 1];
		run((client) -> {
			assertThatExceptionOfType(WebClientRequestException.class)
				.isThrownBy(() -> client.post()
					.uri("/v2/large")
					.contentType(MediaType.APPLICATION_OCTET_STREAM)
					.bodyValue(large)
					.retrieve()
					.toBodilessEntity()
					.block(TIMEOUT))
				.withMessageContaining("answered 401 to POST")
				.withMessageContaining("larger than 1024 KiB")
				.withMessageContaining("send the request again")
				.withCauseInstanceOf(IllegalStateException.class);
			get(client, "/v2/again");
		});
		assertThat(this.api.requests()).extracting((request) -> request.header("Authorization"))
			.containsExactly("Bearer token-1", "Bearer token-2");
	}

	private void assertReplayIsByteIdentical(String expectedBody) {
		assertThat(this.api.requestCount()).isEqualTo(2);
		RecordedCdpRequest first = this.api.requests().get(0);
		RecordedCdpRequest replay = this.api.requests().get(1);
		assertThat(first.header("Authorization")).isEqualTo("Bearer token-1");
		assertThat(replay.header("Authorization")).isEqualTo("Bearer token-2");
		assertThat(first.body()).isEqualTo(expectedBody);
		assertThat(replay.body()).isEqualTo(first.body());
	}

	@Test
	void whenTokenEndpointIsDownAtStartupThenContextStartsAndCallFailsWithinTimeouts() {
		this.tokenEndpoint.close();
		this.contextRunner
			.withPropertyValues("sitecore.cdp.token.connect-timeout=500ms", "sitecore.cdp.token.response-timeout=500ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				WebClient client = context.getBean("cdpWebClient", WebClient.class);
				long start = System.nanoTime();
				assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> get(client, "/v2/ping"))
					.havingCause()
					.isInstanceOf(CdpTokenEndpointUnreachableException.class)
					.withMessageContaining("Sitecore token endpoint " + this.tokenEndpoint.uri())
					.withMessageContaining("could not be reached");
				// Within both token timeouts together (1 s), far inside the watchdog's 2 s.
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
			});
		assertThat(this.api.requestCount()).isZero();
	}

	@Test
	void whenTokenEndpointHangsThenCallFailsAfterResponseTimeout() {
		this.tokenEndpoint.delayTokenResponses(Duration.ofMillis(20_000));
		// The connect timeout keeps its 5 s default: the request's overall bound (5.3 s) and
		// the watchdog (6.3 s) are far later than the response timeout this test is about.
		this.contextRunner.withPropertyValues("sitecore.cdp.token.response-timeout=300ms").run((context) -> {
			WebClient client = context.getBean("cdpWebClient", WebClient.class);
			long start = System.nanoTime();
			assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> get(client, "/v2/ping"))
				.havingCause()
				.isInstanceOf(CdpTokenEndpointUnreachableException.class)
				.withMessageContaining("Sitecore token endpoint " + this.tokenEndpoint.uri())
				.withMessageNotContaining("did not answer within")
				.withRootCauseInstanceOf(ReadTimeoutException.class);
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofMillis(2_500));
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
		assertThat(this.api.requestCount()).isZero();
	}

	private void run(ClientAction action) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			action.accept(context.getBean("cdpWebClient", WebClient.class));
		});
	}

	private static String get(WebClient client, String path) {
		return client.get().uri(path).retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

	@FunctionalInterface
	interface ClientAction {

		void accept(WebClient client) throws Exception;

	}

}

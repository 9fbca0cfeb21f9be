package io.github.sitecorecdp.test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.sitecorecdp.test.RecordedCdpRequest.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fake's own behaviour, seen through a plain WebClient.
 */
class FakeSitecoreCdpTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start(this.clock);

	private final WebClient http = WebClient.create();

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	@Test
	void whenCredentialsAndAudienceAreRightThenATokenIsIssued() {
		Answer answer = requestToken(FakeSitecoreCdp.API_KEY, FakeSitecoreCdp.API_SECRET, FakeSitecoreCdp.AUDIENCE);
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.body()).contains("\"access_token\"")
			.contains("\"expires_in\":86400")
			.contains("\"token_type\":\"Bearer\"");
		assertThat(this.cdp.tokenRequestCount()).isEqualTo(1);
		assertThat(this.cdp.issuedTokenCount()).isEqualTo(1);
	}

	@Test
	void whenTheSecretIsWrongThenAccessIsDenied() {
		Answer answer = requestToken(FakeSitecoreCdp.API_KEY, "wrong", FakeSitecoreCdp.AUDIENCE);
		assertThat(answer.status()).isEqualTo(401);
		assertThat(answer.body()).contains("\"error\":\"access_denied\"");
	}

	@Test
	void whenTheAudienceIsMissingThenTheRequestIsInvalid() {
		Answer answer = requestToken(FakeSitecoreCdp.API_KEY, FakeSitecoreCdp.API_SECRET, null);
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.body()).contains("invalid_request");
	}

	@Test
	void whenTheAudienceIsWrongThenAccessIsDenied() {
		Answer answer = requestToken(FakeSitecoreCdp.API_KEY, FakeSitecoreCdp.API_SECRET, "https://other.example");
		assertThat(answer.status()).isEqualTo(403);
		assertThat(answer.body()).contains("access_denied");
	}

	@Test
	void whenTheApiIsCalledWithoutATokenThenCdpsUnauthorizedBodyComesBack() {
		this.cdp.audienceExport("a").addJob("e");
		Answer answer = get("/v2/audienceExports/definitions/a/latestExport", null);
		assertThat(answer.status()).isEqualTo(401);
		assertThat(answer.body()).contains("\"status\":\"UNAUTHORIZED\"").contains("\"code\":401");
	}

	@Test
	void whenATokenHasExpiredByTheFakesClockThenTheApiRefusesIt() {
		this.cdp.audienceExport("a").addJob("e");
		String token = token();
		assertThat(get("/v2/audienceExports/definitions/a/latestExport", token).status()).isEqualTo(200);
		this.clock.advance(Duration.ofHours(24));
		Answer answer = get("/v2/audienceExports/definitions/a/latestExport", token);
		assertThat(answer.status()).isEqualTo(401);
		assertThat(answer.body()).contains("Token has expired");
	}

	@Test
	void whenTokensAreExpiredOrRevokedThenTheApiRefusesThem() {
		this.cdp.audienceExport("a").addJob("e");
		String first = token();
		this.cdp.expireTokens();
		assertThat(get("/v2/audienceExports/definitions/a/latestExport", first).status()).isEqualTo(401);
		String second = token();
		this.cdp.revokeTokens();
		assertThat(get("/v2/audienceExports/definitions/a/latestExport", second).body()).contains("revoked");
	}

	@Test
	void whenFailuresAreInjectedThenTheNextCallsGetThem() {
		this.cdp.failNextTokenRequests(2, 503);
		assertThat(requestToken(FakeSitecoreCdp.API_KEY, FakeSitecoreCdp.API_SECRET, FakeSitecoreCdp.AUDIENCE).status())
			.isEqualTo(503);
		assertThat(requestToken(FakeSitecoreCdp.API_KEY, FakeSitecoreCdp.API_SECRET, FakeSitecoreCdp.AUDIENCE).status())
			.isEqualTo(503);
		String token = token();
		this.cdp.failNextApiRequests(1, 500);
		assertThat(get("/v2/audienceExports/definitions/a/latestExport", token).status()).isEqualTo(500);
		assertThat(get("/v2/audienceExports/definitions/a/latestExport", token).status()).isEqualTo(404);
	}

	@Test
	void whenResponsesAreDelayedThenTheyComeLater() {
		this.cdp.delayTokenResponses(Duration.ofMillis(300));
		long start = System.nanoTime();
		token();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void whenAFileIsRequestedWithABearerTokenThenTheFileHostRefuses() {
		String url = fileUrl();
		Answer answer = exchange(this.http.get().uri(java.net.URI.create(url)).headers((h) -> h.setBearerAuth("x")));
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.body()).contains("Only one auth mechanism allowed");
		assertThat(exchange(this.http.get().uri(java.net.URI.create(url))).status()).isEqualTo(200);
	}

	@Test
	void whenAFileUrlIsReencodedThenItsSignatureNoLongerMatches() {
		String reencoded = fileUrl().replace("%2F", "%252F");
		assertThat(exchange(this.http.get().uri(java.net.URI.create(reencoded))).status()).isEqualTo(403);
	}

	@Test
	void whenAFileUrlHasExpiredThenTheFileHostRefuses() {
		String url = fileUrl();
		this.clock.advance(Duration.ofHours(25));
		Answer answer = exchange(this.http.get().uri(java.net.URI.create(url)));
		assertThat(answer.status()).isEqualTo(403);
		assertThat(answer.body()).contains("Request has expired");
	}

	@Test
	void whenResetThenJournalAndControlsAreClearedButTokensStayValid() {
		this.cdp.audienceExport("a").addJob("e");
		String token = token();
		this.cdp.failNextApiRequests(5, 503);
		this.cdp.reset();
		assertThat(this.cdp.requests()).isEmpty();
		assertThat(get("/v2/audienceExports/definitions/a/latestExport", token).status()).isEqualTo(200);
		assertThat(this.cdp.requests(Kind.API)).hasSize(1);
	}

	@Test
	void whenResetThenSettingsATestChangedAreBackToTheirDefaults() {
		this.cdp.credentials("other-key", "other-secret").omitExpiresIn().tokenLifetime(Duration.ofMinutes(5));
		this.cdp.reset();
		Answer answer = requestToken(FakeSitecoreCdp.API_KEY, FakeSitecoreCdp.API_SECRET, FakeSitecoreCdp.AUDIENCE);
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.body()).contains("\"expires_in\":86400");
	}

	@Test
	void whenDemoDataIsLoadedThenTheDemoAudienceHasThreeFiles() {
		this.cdp.withDemoData();
		Answer answer = get("/v2/audienceExports/definitions/demo-audience/latestExport", token());
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.body()).contains("\"numberOfFiles\":3").contains("demo-execution-0001");
	}

	private String fileUrl() {
		this.cdp.audienceExport("a").addJob("e").addFile("add", List.of("{\"n\":1}"));
		String body = get("/v2/audienceExports/definitions/a/latestExport", token()).body();
		String start = body.substring(body.indexOf("\"url\":\"") + 7);
		return start.substring(0, start.indexOf('"')).replace("\\/", "/");
	}

	private String token() {
		String body = requestToken(FakeSitecoreCdp.API_KEY, FakeSitecoreCdp.API_SECRET, FakeSitecoreCdp.AUDIENCE)
			.body();
		String start = body.substring(body.indexOf("\"access_token\":\"") + 16);
		return start.substring(0, start.indexOf('"'));
	}

	private Answer requestToken(String key, String secret, String audience) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", "client_credentials");
		form.add("client_id", key);
		form.add("client_secret", secret);
		if (audience != null) {
			form.add("audience", audience);
		}
		return exchange(this.http.post()
			.uri(this.cdp.tokenUri())
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData(form)));
	}

	private Answer get(String path, String token) {
		return exchange(this.http.get().uri(this.cdp.baseUrl() + path).headers((headers) -> {
			if (token != null) {
				headers.setBearerAuth(token);
			}
		}));
	}

	private static Answer exchange(WebClient.RequestHeadersSpec<?> request) {
		return request
			.exchangeToMono((response) -> response.bodyToMono(String.class)
				.defaultIfEmpty("")
				.map((body) -> new Answer(response.statusCode().value(), body)))
			.block(TIMEOUT);
	}

	record Answer(int status, String body) {
	}

}

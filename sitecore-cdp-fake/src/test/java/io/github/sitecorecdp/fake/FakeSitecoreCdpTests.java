package io.github.sitecorecdp.fake;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.sitecorecdp.fake.RecordedCdpRequest.Kind;
import io.github.sitecorecdp.fake.TestHttp.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The fake's own behaviour, seen through the JDK's HTTP client.
 */
class FakeSitecoreCdpTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start(this.clock);

	private final TestHttp http = new TestHttp();

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
		Answer answer = exchange(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer x"));
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.body()).contains("Only one auth mechanism allowed");
		assertThat(exchange(HttpRequest.newBuilder(URI.create(url))).status()).isEqualTo(200);
	}

	@Test
	void whenAFileUrlIsReencodedThenItsSignatureNoLongerMatches() {
		String reencoded = fileUrl().replace("%2F", "%252F");
		assertThat(exchange(HttpRequest.newBuilder(URI.create(reencoded))).status()).isEqualTo(403);
	}

	@Test
	void whenAFileUrlHasExpiredThenTheFileHostRefuses() {
		String url = fileUrl();
		this.clock.advance(Duration.ofHours(25));
		Answer answer = exchange(HttpRequest.newBuilder(URI.create(url)));
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

	@Test
	void whenARegistrationIsAddedThenItsOwnKeyGetsTokensAndThePropertiesNameIt() {
		this.cdp.addRegistration("xm-cloud");
		assertThat(this.cdp.properties()).containsEntry("sitecore.cdp.clients.xm-cloud.api-key", "fake-xm-cloud-key")
			.containsEntry("sitecore.cdp.clients.xm-cloud.api-secret", "fake-xm-cloud-secret")
			.containsEntry("sitecore.cdp.clients.xm-cloud.token-uri", this.cdp.tokenUri().toString())
			.containsEntry("sitecore.cdp.clients.xm-cloud.audience", FakeSitecoreCdp.AUDIENCE)
			.containsEntry("sitecore.cdp.clients.xm-cloud.base-url", this.cdp.baseUrl().toString());
		Answer answer = requestToken("fake-xm-cloud-key", "fake-xm-cloud-secret", FakeSitecoreCdp.AUDIENCE);
		assertThat(answer.status()).isEqualTo(200);
		String token = answer.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
		assertThat(this.cdp.tokenEndpoint().apiKeyOf(token)).contains("fake-xm-cloud-key");
		assertThat(this.cdp.tokenEndpoint().apiKeyOf(token())).contains(FakeSitecoreCdp.API_KEY);
	}

	@Test
	void whenTheDemoDataHasThePersonalizeKeyThenTheRegistrationOfThatNameUsesIt() {
		this.cdp.withDemoData().addRegistration("personalize");
		assertThat(this.cdp.properties())
			.containsEntry("sitecore.cdp.clients.personalize.api-key", FakeSitecoreCdp.PERSONALIZE_API_KEY)
			.containsEntry("sitecore.cdp.clients.personalize.api-secret", FakeSitecoreCdp.PERSONALIZE_API_SECRET);
		Answer answer = requestToken(FakeSitecoreCdp.PERSONALIZE_API_KEY, FakeSitecoreCdp.PERSONALIZE_API_SECRET,
				FakeSitecoreCdp.AUDIENCE);
		assertThat(answer.body()).contains("\"scope\":\"personalize.flows:r\"");
	}

	@Test
	void whenARegistrationNameIsNotOneTheStarterAcceptsThenItIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.cdp.addRegistration("default"))
			.withMessageContaining("'default' is not a registration name");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cdp.addRegistration("XM_Cloud"))
			.withMessageContaining("lower-case letters, digits and hyphens");
		assertThat(this.cdp.properties()).noneSatisfy((name, value) -> assertThat(name).contains(".clients."));
	}

	private String fileUrl() {
		this.cdp.audienceExport("a").addJob("e").addFile("add", List.of("{\"n\":1}"));
		String body = get("/v2/audienceExports/definitions/a/latestExport", token()).body();
		String start = body.substring(body.indexOf("\"url\":\"") + 7);
		return start.substring(0, start.indexOf('"')).replace("\\/", "/");
	}

	private String token() {
		return this.http.token(this.cdp.tokenUri());
	}

	private Answer requestToken(String key, String secret, String audience) {
		return this.http.requestToken(this.cdp.tokenUri(), key, secret, audience);
	}

	private Answer get(String path, String token) {
		return this.http.get(URI.create(this.cdp.baseUrl() + path), token);
	}

	private Answer exchange(HttpRequest.Builder request) {
		return this.http.exchange(request);
	}


}

package io.github.sitecorecdp.fake;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.SSLHandshakeException;

import io.github.sitecorecdp.fake.RecordedCdpRequest.Kind;
import io.github.sitecorecdp.fake.TestHttp.Answer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The token endpoint, the API and the file host used on their own, and the controls the
 * combined fake does not offer.
 */
class FakeServersTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

	private final FakeTokenEndpoint tokens = FakeTokenEndpoint.start(this.clock);

	private final FakeCdpApi api = FakeCdpApi.start(this.tokens, this.clock, null);

	private final TestHttp http = new TestHttp();

	@AfterEach
	void stop() {
		this.api.close();
		this.tokens.close();
	}

	@Test
	void whenTheServersRunAloneThenEachHasItsOwnOrigin() {
		assertThat(List.of(this.tokens.uri().getPort(), this.api.baseUrl().getPort(),
				this.api.fileHost().baseUrl().getPort()))
			.doesNotHaveDuplicates();
	}

	@Test
	void whenATokenIsIssuedThenItIsAJwtWhoseExpiryMatchesExpiresIn() {
		this.tokens.tokenLifetime(Duration.ofSeconds(900));
		String token = this.http.token(this.tokens.uri());
		String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
		assertThat(claims).contains("\"exp\":" + (this.clock.instant().getEpochSecond() + 900))
			.contains("\"aud\":\"https://api.sitecorecloud.io\"");
		assertThat(this.tokens.issuedTokens()).containsExactly(token);
		assertThat(this.tokens.isValid(token)).isTrue();
		this.clock.advance(Duration.ofSeconds(900));
		assertThat(this.tokens.isValid(token)).isFalse();
	}

	@Test
	void whenTokenValuesAreGivenThenTokensAreThoseValues() {
		this.tokens.tokenValues((n) -> "opaque-" + n);
		assertThat(this.http.token(this.tokens.uri())).isEqualTo("opaque-1");
		assertThat(this.http.token(this.tokens.uri())).isEqualTo("opaque-2");
	}

	@Test
	void whenATokenRequestIsRecordedThenItsFormAndStatusCanBeRead() {
		this.http.requestToken(this.tokens.uri(), "key", "wrong secret", FakeTokenEndpoint.AUDIENCE);
		RecordedCdpRequest request = this.tokens.lastRequest();
		assertThat(request.form()).containsEntry("client_id", "key")
			.containsEntry("client_secret", "wrong secret")
			.containsEntry("grant_type", "client_credentials");
		assertThat(request.status()).isEqualTo(401);
		assertThat(request.path()).isEqualTo(FakeTokenEndpoint.PATH);
	}

	@Test
	void whenARecordedRequestIsPrintedThenItsCredentialsStayOut() {
		this.http.requestToken(this.tokens.uri(), "key", "the-secret", FakeTokenEndpoint.AUDIENCE);
		assertThat(this.tokens.lastRequest().toString()).isEqualTo("TOKEN POST /oauth/token -> 401")
			.doesNotContain("the-secret");
	}

	@Test
	void whenTokenRequestsFailUntilRecoveryThenEachGetsTheGivenAnswer() {
		this.tokens.failTokenRequests(503, "<html>down</html>");
		assertThat(this.http.requestToken(this.tokens.uri(), FakeTokenEndpoint.API_KEY, FakeTokenEndpoint.API_SECRET,
				FakeTokenEndpoint.AUDIENCE))
			.isEqualTo(new Answer(503, "<html>down</html>"));
		assertThat(this.http.requestToken(this.tokens.uri(), FakeTokenEndpoint.API_KEY, FakeTokenEndpoint.API_SECRET,
				FakeTokenEndpoint.AUDIENCE)
			.status()).isEqualTo(503);
		this.tokens.recover();
		assertThat(this.http.requestToken(this.tokens.uri(), FakeTokenEndpoint.API_KEY, FakeTokenEndpoint.API_SECRET,
				FakeTokenEndpoint.AUDIENCE)
			.status()).isEqualTo(200);
	}

	@Test
	void whenTheNextTokenAnswerIsScriptedThenOnlyTheNextRequestGetsIt() {
		this.tokens.answerNextTokenRequest(200, "{\"access_token\":\"x\",\"token_type\":\"mac\"}");
		assertThat(this.http.token(this.tokens.uri())).isEqualTo("x");
		assertThat(this.tokens.issuedTokenCount()).isZero();
		assertThat(this.http.token(this.tokens.uri())).isNotEqualTo("x");
		assertThat(this.tokens.issuedTokenCount()).isOne();
	}

	@Test
	void whenAPathIsStubbedThenItAnswersWithTheStubAfterTheTokenCheck() {
		this.api.stub("/v3/flowDefinitions", "[]").stub("/v2/call/**", "{\"ok\":true}");
		String token = this.http.token(this.tokens.uri());
		assertThat(this.http.get(api("/v3/flowDefinitions"), token)).isEqualTo(new Answer(200, "[]"));
		assertThat(this.http.get(api("/v2/call/7"), token)).isEqualTo(new Answer(200, "{\"ok\":true}"));
		assertThat(this.http.get(api("/v2/call/7"), null).status()).isEqualTo(401);
		assertThat(this.http.get(api("/v2/other"), token).status()).isEqualTo(404);
	}

	@Test
	void whenStatusesAreScriptedThenTwoHundredMeansServedAsUsual() {
		this.api.stub("/v2/ping", "{}").answerNextWith(401, 200, 503);
		String token = this.http.token(this.tokens.uri());
		assertThat(this.http.get(api("/v2/ping"), token).status()).isEqualTo(401);
		assertThat(this.http.get(api("/v2/ping"), null).status()).isEqualTo(401);
		assertThat(this.http.get(api("/v2/ping"), token).status()).isEqualTo(503);
		assertThat(this.http.get(api("/v2/ping"), token).status()).isEqualTo(200);
		assertThat(this.api.requests()).extracting(RecordedCdpRequest::status).containsExactly(401, 401, 503, 200);
	}

	@Test
	void whenTokensAreRefusedThenValidOnesGetUnauthorizedUntilReset() {
		this.api.stub("/v2/ping", "{}").refuseTokens((token) -> true);
		String token = this.http.token(this.tokens.uri());
		assertThat(this.http.get(api("/v2/ping"), token).status()).isEqualTo(401);
		this.api.reset();
		assertThat(this.http.get(api("/v2/ping"), token).status()).isEqualTo(200);
		assertThat(this.api.requestCount()).isOne();
	}

	@Test
	void whenOneTokenIsRevokedThenOnlyThatOneIsRefused() {
		this.api.stub("/v2/ping", "{}");
		String first = this.http.token(this.tokens.uri());
		String second = this.http.token(this.tokens.uri());
		this.tokens.revoke(first);
		assertThat(this.http.get(api("/v2/ping"), first).status()).isEqualTo(401);
		assertThat(this.http.get(api("/v2/ping"), second).status()).isEqualTo(200);
	}

	@Test
	void whenSeveralKeysAreAcceptedThenEachGetsTokensForItsOwnAudienceAndScope() {
		String edge = "https://delivery.sitecore.cloud/tenant-1";
		this.tokens.addClient("edge-key", "edge-secret", edge, "edge.admin")
			.addClient("personalize-key", "personalize-secret", FakeTokenEndpoint.AUDIENCE, "personalize.flows:r");
		Answer personalize = this.http.requestToken(this.tokens.uri(), "personalize-key", "personalize-secret",
				FakeTokenEndpoint.AUDIENCE);
		assertThat(personalize.status()).isEqualTo(200);
		assertThat(personalize.body()).contains("\"scope\":\"personalize.flows:r\"");
		assertThat(this.http.requestToken(this.tokens.uri(), "edge-key", "edge-secret", edge).status()).isEqualTo(200);
		assertThat(this.http.requestToken(this.tokens.uri(), "edge-key", "edge-secret", FakeTokenEndpoint.AUDIENCE)
			.status()).isEqualTo(403);
		assertThat(this.http.requestToken(this.tokens.uri(), "edge-key", "personalize-secret", edge).status())
			.isEqualTo(401);
		assertThat(this.http.token(this.tokens.uri())).isNotBlank();
	}

	@Test
	void whenATokenWasIssuedForAnotherAudienceThenTheApiRefusesIt() {
		String edge = "https://delivery.sitecore.cloud/tenant-1";
		this.tokens.addClient("edge-key", "edge-secret", edge, "edge.admin");
		this.api.stub("/v2/ping", "{}");
		String body = this.http.requestToken(this.tokens.uri(), "edge-key", "edge-secret", edge).body();
		String edgeToken = body.substring(body.indexOf("\"access_token\":\"") + 16).split("\"")[0];
		Answer refused = this.http.get(api("/v2/ping"), edgeToken);
		assertThat(refused.status()).isEqualTo(401);
		assertThat(refused.body()).contains("not issued for this API");
		this.api.servesAudience(edge);
		assertThat(this.http.get(api("/v2/ping"), edgeToken).status()).isEqualTo(200);
		assertThat(this.http.get(api("/v2/ping"), this.http.token(this.tokens.uri())).status()).isEqualTo(401);
	}

	@Test
	void whenResetThenAddedKeysStayAccepted() {
		this.tokens.addClient("second-key", "second-secret", FakeTokenEndpoint.AUDIENCE, "s");
		this.tokens.reset();
		assertThat(this.http.requestToken(this.tokens.uri(), "second-key", "second-secret", FakeTokenEndpoint.AUDIENCE)
			.status()).isEqualTo(200);
	}

	@Test
	void whenTheFakeIsCombinedThenItsJournalSpansTheThreeServersInOrder() {
		try (FakeSitecoreCdp cdp = FakeSitecoreCdp.start(this.clock)) {
			cdp.audienceExport("a").addJob("e").addFile("add", List.of("{}"));
			String token = this.http.token(cdp.tokenUri());
			String body = this.http.get(URI.create(cdp.baseUrl() + "/v2/audienceExports/definitions/a/latestExport"),
					token)
				.body();
			String url = body.substring(body.indexOf("\"url\":\"") + 7);
			this.http.get(URI.create(url.substring(0, url.indexOf('"'))), null);
			assertThat(cdp.requests()).extracting(RecordedCdpRequest::kind)
				.containsExactly(Kind.TOKEN, Kind.API, Kind.FILE);
			assertThat(cdp.tokenEndpoint().requestCount()).isOne();
			assertThat(cdp.fileHost().requests()).extracting(RecordedCdpRequest::status).containsExactly(200);
		}
	}

	@Test
	void whenTlsIsGivenThenTheServersServeHttpsWithThatCertificate() {
		HeldCertificate certificate = new HeldCertificate.Builder().addSubjectAlternativeName("localhost").build();
		HandshakeCertificates trust = new HandshakeCertificates.Builder().addTrustedCertificate(certificate.certificate())
			.build();
		try (FakeSitecoreCdp cdp = FakeSitecoreCdp.start(this.clock,
				FakeTls.of(certificate.keyPair().getPrivate(), certificate.certificate()))) {
			assertThat(cdp.tokenUri().getScheme()).isEqualTo("https");
			assertThat(new TestHttp(trust.sslContext()).token(cdp.tokenUri())).isNotBlank();
			assertThatExceptionOfType(UncheckedIOException.class)
				.isThrownBy(() -> this.http.exchange(HttpRequest.newBuilder(cdp.baseUrl())))
				.withCauseInstanceOf(SSLHandshakeException.class);
		}
	}

	private URI api(String path) {
		return URI.create(this.api.baseUrl() + path);
	}

}

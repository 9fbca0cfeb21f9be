package io.github.sitecorecdp.token;

import java.time.Duration;
import java.time.Instant;

import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the documentation promises about token endpoint answers: which count as rejected
 * credentials, which point at the token URI and audience, and that a key fixed in Sitecore
 * works again without a restart.
 */
class TokenErrorPromiseTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

	private FakeTokenEndpoint tokenEndpoint;

	private CdpAccessTokenManager manager;

	@BeforeEach
	void start() {
		this.tokenEndpoint = FakeTokenEndpoint.start()
			.credentials("key", "s3cr3t")
			.tokenValues((n) -> "token-" + n)
			.tokenLifetime(Duration.ofHours(1));
		CdpTokenEndpointClient client = new CdpTokenEndpointClient("key", "s3cr3t", this.tokenEndpoint.uri(),
				"https://api.sitecorecloud.io", WebClient.create(), Duration.ofSeconds(5), this.clock);
		this.manager = new CdpAccessTokenManager(client::requestToken, TokenPolicy.DEFAULTS, this.clock, () -> 0.0);
	}

	@AfterEach
	void stop() {
		this.tokenEndpoint.close();
	}

	@Test
	void whenTokenEndpointAnswers400AccessDeniedThenCredentialsAreRejected() {
		this.tokenEndpoint.failTokenRequests(400, "{\"error\":\"access_denied\"}");
		assertThatExceptionOfType(CdpCredentialsRejectedException.class).isThrownBy(this::token)
			.matches((ex) -> !ex.isRetryable())
			.withMessageContaining("sitecore.cdp.api-key")
			.withMessageContaining("sitecore.cdp.api-secret");
	}

	@Test
	void whenTokenEndpointAnswers400UnauthorizedClientThenCredentialsAreRejected() {
		this.tokenEndpoint.failTokenRequests(400, "{\"error\":\"unauthorized_client\"}");
		assertThatExceptionOfType(CdpCredentialsRejectedException.class).isThrownBy(this::token)
			.matches((ex) -> !ex.isRetryable())
			.withMessageContaining("sitecore.cdp.api-key")
			.withMessageContaining("sitecore.cdp.api-secret");
	}

	@Test
	void whenTokenEndpointAnswers400InvalidRequestThenTheErrorNamesTokenUriAndAudience() {
		this.tokenEndpoint.failTokenRequests(400, "{\"error\":\"invalid_request\"}");
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token)
			.isNotInstanceOf(CdpCredentialsRejectedException.class)
			.withMessageContaining("invalid_request")
			.withMessageContaining("sitecore.cdp.token-uri")
			.withMessageContaining("sitecore.cdp.audience");
	}

	@Test
	void whenTheKeyIsFixedInSitecoreThenTheSameManagerGetsATokenWithoutARestart() {
		this.tokenEndpoint.credentials("key", "the-secret-before-it-was-fixed");
		assertThatExceptionOfType(CdpCredentialsRejectedException.class).isThrownBy(this::token);
		// Fixed in Sitecore: the secret the application holds is accepted from now on.
		this.tokenEndpoint.credentials("key", "s3cr3t");
		// Rate-limited: nothing is asked again before the backoff (1 s) ends ...
		assertThatExceptionOfType(CdpCredentialsRejectedException.class).isThrownBy(this::token);
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
		// ... and the first call after it gets a token.
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(token()).startsWith("token-");
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
	}

	private String token() {
		return this.manager.getToken().block(TIMEOUT).getTokenValue();
	}

}

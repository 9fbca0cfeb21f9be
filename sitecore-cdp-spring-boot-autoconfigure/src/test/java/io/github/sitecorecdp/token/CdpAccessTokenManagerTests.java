package io.github.sitecorecdp.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Token lifecycle of {@link CdpAccessTokenManager} against a token endpoint on loopback,
 * with a clock the tests move.
 */
class CdpAccessTokenManagerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration HOUR = Duration.ofHours(1);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

	private FakeTokenEndpoint tokenEndpoint;

	private CdpAccessTokenManager manager;

	@BeforeEach
	void start() {
		this.tokenEndpoint = FakeTokenEndpoint.start()
			.credentials("key", "s3cr3t")
			.tokenValues((n) -> "token-" + n)
			.tokenLifetime(HOUR);
		CdpTokenEndpointClient client = new CdpTokenEndpointClient("key", "s3cr3t", this.tokenEndpoint.uri(),
				"https://api.sitecorecloud.io", WebClient.create(), Duration.ofSeconds(5), this.clock);
		// No jitter, so that the refresh point is exactly refresh-ahead before expiry.
		this.manager = new CdpAccessTokenManager(client::requestToken, TokenPolicy.DEFAULTS, this.clock, () -> 0.0);
	}

	@AfterEach
	void stop() {
		this.tokenEndpoint.close();
	}

	@Test
	void whenTokenIsCachedThenNoSecondRequest() {
		assertThat(token()).isEqualTo("token-1");
		this.clock.advance(Duration.ofMinutes(50));
		assertThat(token()).isEqualTo("token-1");
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
	}

	@Test
	void whenTokenIsIssuedThenItIsStampedWithTheInjectedClock() {
		OAuth2AccessToken token = this.manager.getToken().block(TIMEOUT);
		assertThat(token.getIssuedAt()).isEqualTo(this.clock.instant());
		assertThat(token.getExpiresAt()).isEqualTo(this.clock.instant().plus(HOUR));
	}

	@Test
	void whenInsideRefreshAheadWindowThenOneBackgroundRefreshAndNoCallerWaits() {
		token();
		this.tokenEndpoint.delayTokenResponses(Duration.ofMillis(300));
		this.clock.advance(HOUR.minus(Duration.ofMinutes(4)));
		List<CompletableFuture<OAuth2AccessToken>> calls = IntStream.range(0, 50)
			.mapToObj((i) -> this.manager.getToken().toFuture())
			.toList();
		assertThat(calls).allMatch(CompletableFuture::isDone);
		assertThat(calls).extracting((call) -> call.join().getTokenValue()).containsOnly("token-1");
		await().atMost(TIMEOUT).until(() -> "token-2".equals(token()));
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
	}

	@Test
	void whenBeforeRefreshAheadWindowThenNoRefresh() {
		token();
		this.clock.advance(HOUR.minus(Duration.ofMinutes(5)).minusMillis(1));
		token();
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
	}

	@Test
	void whenWithinExpiryMarginThenCallersWaitOnOneSharedRequest() {
		token();
		this.tokenEndpoint.delayTokenResponses(Duration.ofMillis(300));
		this.clock.advance(HOUR.minus(Duration.ofSeconds(30)));
		List<CompletableFuture<OAuth2AccessToken>> calls = IntStream.range(0, 20)
			.mapToObj((i) -> this.manager.getToken().toFuture())
			.toList();
		assertThat(calls).noneMatch(CompletableFuture::isDone);
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
		assertThat(calls).extracting((call) -> call.join().getTokenValue()).containsOnly("token-2");
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
	}

	@Test
	void whenWaitersAreWokenThenTheNewTokenIsAlreadyCached() {
		OAuth2AccessToken seenByNextCaller = this.manager.getToken()
			.flatMap((first) -> this.manager.getToken())
			.block(TIMEOUT);
		assertThat(seenByNextCaller.getTokenValue()).isEqualTo("token-1");
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
	}

	@Test
	void whenStaleAndEndpointIsDownThenTheStaleTokenIsNeverServed() {
		token();
		this.tokenEndpoint.failTokenRequests(503, "{}");
		this.clock.advance(HOUR.minus(Duration.ofSeconds(59)));
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token)
			.withMessageContaining("503 Service Unavailable");
	}

	@Test
	void whenEndpointFailsThenConcurrentCallersShareOneFailedRequest() {
		this.tokenEndpoint.failTokenRequests(503, "{\"error\":\"temporarily_unavailable\"}");
		List<CompletableFuture<OAuth2AccessToken>> calls = IntStream.range(0, 100)
			.mapToObj((i) -> this.manager.getToken().toFuture())
			.toList();
		assertThat(calls).allSatisfy((call) -> assertThat(call).failsWithin(TIMEOUT)
			.withThrowableThat()
			.havingCause()
			.isInstanceOfSatisfying(CdpTokenException.class, (ex) -> {
				assertThat(ex.isRetryable()).isTrue();
				assertThat(ex).hasMessageContaining("503 Service Unavailable")
					.hasMessageContaining(this.tokenEndpoint.uri().toString());
			}));
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
	}

	@Test
	void whenBackingOffThenCallersFailFastWithTheLastErrorAndNoRequest() {
		this.tokenEndpoint.failTokenRequests(503, "{}");
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token);
		for (int i = 0; i < 100; i++) {
			assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token)
				.withMessageContaining("503 Service Unavailable")
				.withMessageContaining("No new token request before 2026-11-29T10:00:01Z");
		}
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(1);
	}

	@Test
	void whenFailuresRepeatThenRequestsFollowTheDoublingBackoff() {
		this.tokenEndpoint.failTokenRequests(503, "{}");
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token);
		this.clock.advance(Duration.ofSeconds(1));
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token);
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
		this.clock.advance(Duration.ofMillis(1999));
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token);
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
		this.clock.advance(Duration.ofMillis(1));
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token);
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(3);
	}

	@Test
	void whenEndpointRecoversThenTheFirstAttemptAfterTheBackoffSucceeds() {
		this.tokenEndpoint.failTokenRequests(502, "{}");
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token);
		this.tokenEndpoint.recover();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(token()).isEqualTo("token-1");
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
	}

	@Test
	void whenEndpointAnswers429ThenTheFailureIsRetryable() {
		this.tokenEndpoint.failTokenRequests(429, "{}");
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token)
			.matches(CdpTokenException::isRetryable)
			.withMessageContaining("429 Too Many Requests");
	}

	@Test
	void whenBackgroundRefreshFailsThenTheValidTokenStaysInServiceAndRetriesAfterBackoff() {
		token();
		this.tokenEndpoint.failTokenRequests(503, "{}");
		this.clock.advance(HOUR.minus(Duration.ofMinutes(4)));
		assertThat(token()).isEqualTo("token-1");
		await().atMost(TIMEOUT).until(() -> this.tokenEndpoint.requestCount() == 2);
		for (int i = 0; i < 20; i++) {
			assertThat(token()).isEqualTo("token-1");
		}
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
		this.tokenEndpoint.recover();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(token()).isEqualTo("token-1");
		await().atMost(TIMEOUT).until(() -> "token-2".equals(token()));
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(3);
	}

	@Test
	void whenCredentialsAreRejectedThenErrorNamesThePropertiesButNotTheSecret() {
		this.tokenEndpoint.failTokenRequests(401,
				"{\"error\":\"access_denied\",\"error_description\":\"Unauthorized: s3cr3t is wrong\"}");
		assertThatExceptionOfType(CdpCredentialsRejectedException.class).isThrownBy(this::token)
			.matches((ex) -> !ex.isRetryable())
			.withMessageContaining("Sitecore rejected the API key or secret")
			.withMessageContaining("401 Unauthorized")
			.withMessageContaining("access_denied")
			.withMessageContaining("sitecore.cdp.api-key")
			.withMessageContaining("sitecore.cdp.api-secret")
			.withMessageNotContaining("s3cr3t");
	}

	@Test
	void whenTokenEndpointAnswers400InvalidClientThenCredentialsAreRejected() {
		this.tokenEndpoint.failTokenRequests(400, "{\"error\":\"invalid_client\"}");
		assertThatExceptionOfType(CdpCredentialsRejectedException.class).isThrownBy(this::token);
	}

	@Test
	void whenCredentialsAreRejectedThenRequestsAreRateLimited() {
		this.tokenEndpoint.failTokenRequests(403, "{\"error\":\"access_denied\"}");
		for (int i = 0; i < 61; i++) {
			assertThatExceptionOfType(CdpCredentialsRejectedException.class).isThrownBy(this::token);
			this.clock.advance(Duration.ofMillis(2000 / 61));
		}
		// 61 calls over 1.92 s: the first request, one more after the first backoff (at most
		// 1 s), and none after the doubled one (at least 0.8 s + 1.6 s).
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
	}

	@Test
	void whenTokenEndpointAnswers404ThenTheErrorPointsAtTheTokenUri() {
		this.tokenEndpoint.failTokenRequests(404, "");
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token)
			.matches((ex) -> !ex.isRetryable())
			.withMessageContaining("404 Not Found")
			.withMessageContaining("sitecore.cdp.token-uri");
	}

	@Test
	void whenExpiresInIsMissingThenTheJwtExpClaimSetsTheLifetime() {
		Instant exp = this.clock.instant().plus(Duration.ofHours(2));
		this.tokenEndpoint.omitExpiresIn().tokenValues((n) -> jwt(exp));
		OAuth2AccessToken token = this.manager.getToken().block(TIMEOUT);
		assertThat(token.getExpiresAt()).isEqualTo(exp);
	}

	@Test
	void whenExpiresInIsMissingAndTheTokenIsNoJwtThenTheConservativeDefaultApplies() {
		this.tokenEndpoint.omitExpiresIn();
		OAuth2AccessToken token = this.manager.getToken().block(TIMEOUT);
		assertThat(Duration.between(token.getIssuedAt(), token.getExpiresAt()))
			.isEqualTo(TokenPolicy.DEFAULT_LIFETIME)
			.isGreaterThan(Duration.ofSeconds(1));
	}

	@Test
	void whenResetThenTheNextCallRequestsANewTokenAtOnceEvenAfterAFailure() {
		assertThat(token()).isEqualTo("token-1");
		this.manager.reset();
		this.tokenEndpoint.failTokenRequests(503, "{}");
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token);
		this.tokenEndpoint.recover();
		this.manager.reset();
		assertThat(token()).isEqualTo("token-2");
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(3);
		assertThat(this.manager.status().failedAttempts()).isZero();
	}

	@Test
	void whenInvalidatedThenTheNextCallGetsANewToken() {
		OAuth2AccessToken first = this.manager.getToken().block(TIMEOUT);
		this.manager.invalidate(first);
		assertThat(token()).isEqualTo("token-2");
	}

	@Test
	void whenInvalidatedWithAnOlderTokenThenTheCurrentOneIsKept() {
		OAuth2AccessToken first = this.manager.getToken().block(TIMEOUT);
		this.manager.invalidate(first);
		assertThat(token()).isEqualTo("token-2");
		this.manager.invalidate(first);
		assertThat(token()).isEqualTo("token-2");
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
	}

	@Test
	void whenRefreshReturnsTheSameTokenThenItIsServedWithItsNewLifetime() {
		this.tokenEndpoint.tokenValues((n) -> "same-token");
		token();
		this.clock.advance(HOUR.minus(Duration.ofMinutes(4)));
		token();
		await().atMost(TIMEOUT).until(() -> this.tokenEndpoint.requestCount() == 2);
		this.clock.advance(Duration.ofMinutes(10));
		assertThat(token()).isEqualTo("same-token");
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
	}

	@Test
	void whenTokenTypeIsNotBearerThenTheTokenIsRefused() {
		this.tokenEndpoint.answerNextTokenRequest(200, "{\"access_token\":\"abc\",\"token_type\":\"mac\",\"expires_in\":60}");
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token).withMessageContaining("mac");
	}

	@Test
	void whenTheEndpointCannotBeReachedThenTheErrorNamesTheTokenUriProperty() {
		this.tokenEndpoint.close();
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token)
			.matches(CdpTokenException::isRetryable)
			.withMessageContaining("could not be reached")
			.withMessageContaining("sitecore.cdp.token-uri");
	}

	@Test
	void whenTheEndpointAnswers401WithAHugeBodyThenTheStatusDecidesAndCredentialsAreRejected() {
		// A body over 64 KiB was reported as "could not be reached" and retryable.
		this.tokenEndpoint.failTokenRequests(401, "<html>" + "x".repeat(200_000) + "</html>");
		assertThatExceptionOfType(CdpCredentialsRejectedException.class).isThrownBy(this::token)
			.withMessageContaining("401 Unauthorized")
			.withMessageNotContaining("could not be reached");
	}

	@Test
	void whenTheEndpointAnswers503WithAHugeBodyThenTheFailureIsRetryableByItsStatus() {
		this.tokenEndpoint.failTokenRequests(503, "x".repeat(200_000));
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token)
			.matches(CdpTokenException::isRetryable)
			.withMessageContaining("503 Service Unavailable");
	}

	@Test
	void whenASuccessfulAnswerIsHugeThenTheErrorSaysSo() {
		this.tokenEndpoint.answerNextTokenRequest(200, "{\"access_token\":\"" + "a".repeat(100_000) + "\"}");
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token)
			.withMessageContaining("200 OK")
			.withMessageContaining("over 64 KiB");
	}

	@Test
	void whenResponseIsNotJsonThenTheErrorSaysSo() {
		this.tokenEndpoint.answerNextTokenRequest(200, "<html>proxy login</html>");
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(this::token)
			.withMessageContaining("not a JSON object");
	}

	private String token() {
		try {
			return this.manager.getToken().map(OAuth2AccessToken::getTokenValue).block(TIMEOUT);
		}
		catch (RuntimeException ex) {
			throw (!(ex instanceof CdpTokenException) && ex.getCause() instanceof CdpTokenException tokenException)
					? tokenException : ex;
		}
	}

	private static String jwt(Instant exp) {
		return new PlainJWT(new JWTClaimsSet.Builder().subject("client").expirationTime(Date.from(exp)).build())
			.serialize();
	}

}

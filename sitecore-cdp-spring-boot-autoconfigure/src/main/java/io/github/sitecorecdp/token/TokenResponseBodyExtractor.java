package io.github.sitecorecdp.token;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTParser;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ReactiveHttpInputMessage;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.reactive.function.BodyExtractor;

/**
 * Reads the token endpoint's answer into an {@link OAuth2AccessTokenResponse}, or into a
 * {@link CdpTokenException} that says what went wrong.
 *
 * <p>
 * Replaces Spring Security's default extractor for three reasons: it decodes through the
 * WebClient's JSON codec, so it fails in applications without Jackson and logs the whole
 * token response (access token included) at TRACE; it turns a missing
 * {@code expires_in} into a one-second lifetime; and it hides the HTTP status, which is
 * what tells a rejected key from an outage. This one reads raw bytes, parses them with
 * Nimbus (already a dependency of spring-security-oauth2-client) and logs no values.
 *
 * @author sitecore-cdp-spring-boot
 */
final class TokenResponseBodyExtractor
		implements BodyExtractor<Mono<OAuth2AccessTokenResponse>, ReactiveHttpInputMessage> {

	private static final int MAX_BODY_BYTES = 64 * 1024;

	private static final int MAX_DESCRIPTION_LENGTH = 200;

	private static final Set<String> REJECTED_CREDENTIALS_ERRORS = Set.of("invalid_client", "access_denied",
			"unauthorized_client");

	private static final Log logger = LogFactory.getLog(TokenResponseBodyExtractor.class);

	private final CdpTokenEndpointClient.PropertyNames properties;

	private final URI tokenUri;

	private final String clientSecret;

	private final Clock clock;

	TokenResponseBodyExtractor(CdpTokenEndpointClient.PropertyNames properties, URI tokenUri, String clientSecret,
			Clock clock) {
		this.properties = properties;
		this.tokenUri = tokenUri;
		this.clientSecret = clientSecret;
		this.clock = clock;
	}

	@Override
	public Mono<OAuth2AccessTokenResponse> extract(ReactiveHttpInputMessage inputMessage, Context context) {
		HttpStatusCode status = (inputMessage instanceof ClientHttpResponse response) ? response.getStatusCode()
				: HttpStatus.OK;
		// A bounded prefix, never the whole body: a proxy's error page or a huge answer must
		// be judged by its status, not fail as "unreachable" for its size.
		return DataBufferUtils.join(DataBufferUtils.takeUntilByteCount(inputMessage.getBody(), MAX_BODY_BYTES + 1))
			.map((buffer) -> new Body(buffer.readableByteCount() > MAX_BODY_BYTES, readAndRelease(buffer)))
			.defaultIfEmpty(new Body(false, ""))
			.flatMap((body) -> {
				if (!status.is2xxSuccessful()) {
					return Mono.error(failure(status, body.text()));
				}
				if (body.truncated()) {
					return Mono.error(new CdpTokenException(endpoint() + " answered " + describe(status)
							+ " with a body over " + (MAX_BODY_BYTES / 1024) + " KiB, which is no token response",
							null, true));
				}
				return Mono.just(success(body.text()));
			});
	}

	private OAuth2AccessTokenResponse success(String body) {
		Map<String, Object> json = parseJson(body);
		if (json == null) {
			throw new CdpTokenException(endpoint() + " answered with a body that is not a JSON object. Check "
					+ this.properties.tokenUri() + " (a proxy or a wrong URL answers with HTML)", null, true);
		}
		Object accessToken = json.get("access_token");
		if (!(accessToken instanceof String tokenValue) || tokenValue.isBlank()) {
			throw new CdpTokenException(endpoint() + " answered without an access_token. Check "
					+ this.properties.tokenUri() + " and " + this.properties.audience(), null, true);
		}
		Object tokenType = json.get("token_type");
		if (tokenType != null && !OAuth2AccessToken.TokenType.BEARER.getValue().equalsIgnoreCase(tokenType.toString())) {
			throw new CdpTokenException(endpoint() + " issued a token of type '" + tokenType + "', not Bearer", null,
					false);
		}
		Duration lifetime = lifetime(json.get("expires_in"), tokenValue);
		return OAuth2AccessTokenResponse.withToken(tokenValue)
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(lifetime.toSeconds())
			.scopes(scopes(json.get("scope")))
			.build();
	}

	private Duration lifetime(@Nullable Object expiresIn, String tokenValue) {
		Long seconds = toLong(expiresIn);
		Instant now = this.clock.instant();
		if (seconds != null && seconds > 0) {
			return TokenPolicy.lifetime(seconds, null, now);
		}
		Instant expiry = jwtExpiry(tokenValue);
		if (expiry != null) {
			if (!expiry.isAfter(now.plus(TokenPolicy.MIN_LIFETIME))) {
				throw new CdpTokenException(endpoint() + " issued a token whose exp claim (" + expiry
						+ ") is not in the future; check this machine's clock", null, true);
			}
			logger.debug("Token response has no expires_in; using the token's exp claim");
			return TokenPolicy.lifetime(null, expiry, now);
		}
		logger.warn("Sitecore CDP token response has neither expires_in nor a JWT exp claim; assuming the token "
				+ "lives " + TokenPolicy.DEFAULT_LIFETIME);
		return TokenPolicy.lifetime(null, null, now);
	}

	private RuntimeException failure(HttpStatusCode status, String body) {
		Map<String, Object> json = parseJson(body);
		String error = (json != null && json.get("error") instanceof String text) ? text : null;
		String description = (json != null && json.get("error_description") instanceof String text) ? text : null;
		String answer = endpoint() + " answered " + describe(status) + details(error, description);
		int code = status.value();
		if (code == 401 || code == 403 || (code == 400 && REJECTED_CREDENTIALS_ERRORS.contains(error))) {
			return new CdpCredentialsRejectedException("Sitecore rejected the API key or secret: " + answer
					+ ". Check " + this.properties.apiKey() + " and " + this.properties.apiSecret()
					+ ": the key may be wrong, revoked, rotated, or not issued for the audience in "
					+ this.properties.audience() + ".", null, code);
		}
		if (code == 429 || status.is5xxServerError()) {
			return new CdpTokenException(answer, null, true, code);
		}
		return new CdpTokenException(
				answer + ". Check " + this.properties.tokenUri() + " and " + this.properties.audience() + ".", null,
				false, code);
	}

	private String details(@Nullable String error, @Nullable String description) {
		if (error == null) {
			return "";
		}
		if (description == null) {
			return " (" + error + ")";
		}
		String safe = description.replace(this.clientSecret, "****");
		if (safe.length() > MAX_DESCRIPTION_LENGTH) {
			safe = safe.substring(0, MAX_DESCRIPTION_LENGTH) + "...";
		}
		return " (" + error + ": " + safe + ")";
	}

	private String endpoint() {
		return this.properties.endpoint(this.tokenUri);
	}

	private static String describe(HttpStatusCode status) {
		HttpStatus known = HttpStatus.resolve(status.value());
		return (known != null) ? status.value() + " " + known.getReasonPhrase() : String.valueOf(status.value());
	}

	private static @Nullable Map<String, Object> parseJson(String body) {
		try {
			return body.isBlank() ? null : JSONObjectUtils.parse(body);
		}
		catch (ParseException ex) {
			return null;
		}
	}

	private static @Nullable Instant jwtExpiry(String tokenValue) {
		try {
			Date expiration = JWTParser.parse(tokenValue).getJWTClaimsSet().getExpirationTime();
			return (expiration != null) ? expiration.toInstant() : null;
		}
		catch (ParseException ex) {
			return null;
		}
	}

	private static @Nullable Long toLong(@Nullable Object value) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		if (value instanceof String text) {
			try {
				return Long.parseLong(text.trim());
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return null;
	}

	private static Set<String> scopes(@Nullable Object scope) {
		if (!(scope instanceof String text) || text.isBlank()) {
			return Set.of();
		}
		return new LinkedHashSet<>(Arrays.asList(text.trim().split("\\s+")));
	}

	private static String readAndRelease(DataBuffer buffer) {
		try {
			return buffer.toString(StandardCharsets.UTF_8);
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	/**
	 * The first bytes of an answer, decoded.
	 *
	 * @param truncated whether the answer was longer than what was read
	 * @param text what was read
	 */
	private record Body(boolean truncated, String text) {

	}

}

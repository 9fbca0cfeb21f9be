package io.github.sitecorecdp.token.redis;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * The two entries a registration keeps in Redis, as text to seal: the token, and the
 * fleet's backoff after failed token requests. Plain lines rather than JSON, so that no
 * Jackson version is needed.
 *
 * @author sitecore-cdp-spring-boot
 */
final class SharedEntries {

	private static final String TOKEN = "token 1";

	private static final String BACKOFF = "backoff 2";

	private SharedEntries() {
	}

	static String token(OAuth2AccessToken token) {
		Instant issuedAt = token.getIssuedAt();
		Instant expiresAt = token.getExpiresAt();
		if (issuedAt == null || expiresAt == null) {
			throw new IllegalArgumentException("A shared token needs its issue and expiry times");
		}
		return TOKEN + "\n" + issuedAt.toEpochMilli() + "\n" + expiresAt.toEpochMilli() + "\n"
				+ String.join(" ", token.getScopes()) + "\n" + token.getTokenValue();
	}

	static @Nullable OAuth2AccessToken token(@Nullable String text) {
		String[] lines = lines(text, TOKEN, 5);
		if (lines == null) {
			return null;
		}
		try {
			Set<String> scopes = lines[3].isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(lines[3].split(" ")));
			return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, lines[4],
					Instant.ofEpochMilli(Long.parseLong(lines[1])), Instant.ofEpochMilli(Long.parseLong(lines[2])),
					scopes);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	static String backoff(FleetBackoff backoff) {
		// The message is the starter's own (a status, a cause), never a secret or a token.
		return BACKOFF + "\n" + backoff.failures() + "\n" + backoff.retryAtMillis() + "\n" + backoff.retryable() + "\n"
				+ backoff.credentialsRejected() + "\n" + backoff.message().replace('\n', ' ');
	}

	static @Nullable FleetBackoff backoff(@Nullable String text) {
		String[] lines = lines(text, BACKOFF, 6);
		if (lines == null) {
			return null;
		}
		try {
			return new FleetBackoff(Integer.parseInt(lines[1]), Long.parseLong(lines[2]),
					Boolean.parseBoolean(lines[3]), Boolean.parseBoolean(lines[4]), lines[5]);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private static String @Nullable [] lines(@Nullable String text, String kind, int count) {
		if (text == null) {
			return null;
		}
		String[] lines = text.split("\n", count);
		return (lines.length == count && lines[0].equals(kind)) ? lines : null;
	}

	/**
	 * The fleet's backoff after failed token requests.
	 *
	 * @param failures how many in a row, across the fleet
	 * @param retryAtMillis no instance asks the endpoint before this instant
	 * @param retryable whether the last failure may go away by itself
	 * @param credentialsRejected whether the endpoint refused the API key or secret
	 * @param message the last failure's message
	 */
	record FleetBackoff(int failures, long retryAtMillis, boolean retryable, boolean credentialsRejected,
			String message) {

	}

}

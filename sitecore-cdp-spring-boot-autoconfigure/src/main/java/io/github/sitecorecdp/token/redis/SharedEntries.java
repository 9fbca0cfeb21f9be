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

	/** Version 2: instants on the fleet's clock (Redis's), not on the writer's. */
	private static final String TOKEN = "token 2";

	/** Version 3: the retry instant on the fleet's clock. */
	private static final String BACKOFF = "backoff 3";

	private SharedEntries() {
	}

	/**
	 * Write a token with its instants moved onto the fleet's clock.
	 * @param token the token, on the writer's clock
	 * @param offsetMillis the fleet's time minus the writer's
	 */
	static String token(OAuth2AccessToken token, long offsetMillis) {
		Instant issuedAt = token.getIssuedAt();
		Instant expiresAt = token.getExpiresAt();
		if (issuedAt == null || expiresAt == null) {
			throw new IllegalArgumentException("A shared token needs its issue and expiry times");
		}
		return TOKEN + "\n" + (issuedAt.toEpochMilli() + offsetMillis) + "\n" + (expiresAt.toEpochMilli() + offsetMillis) + "\n"
				+ String.join(" ", token.getScopes()) + "\n" + token.getTokenValue();
	}

	/**
	 * Read a token with its instants moved onto the reader's clock.
	 * @param text the entry
	 * @param offsetMillis the fleet's time minus the reader's
	 */
	static @Nullable OAuth2AccessToken token(@Nullable String text, long offsetMillis) {
		String[] lines = lines(text, TOKEN, 5);
		if (lines == null) {
			return null;
		}
		try {
			Set<String> scopes = lines[3].isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(lines[3].split(" ")));
			return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, lines[4],
					Instant.ofEpochMilli(Long.parseLong(lines[1]) - offsetMillis),
					Instant.ofEpochMilli(Long.parseLong(lines[2]) - offsetMillis),
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
	 * @param retryAtMillis no instance asks the endpoint before this instant, on the fleet's
	 * clock
	 * @param retryable whether the last failure may go away by itself
	 * @param credentialsRejected whether the endpoint refused the API key or secret
	 * @param message the last failure's message
	 */
	record FleetBackoff(int failures, long retryAtMillis, boolean retryable, boolean credentialsRejected,
			String message) {

	}

}

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
 * <p>
 * <b>Rolling deploys.</b> An instance reads the entries of the previous release as well as
 * its own, and writes only its own: it takes a token or a backoff an old instance stored
 * instead of asking the endpoint, and replaces an entry only when it would replace one of
 * its own (stale, refused, absent). An old instance cannot read the new entries and asks
 * the endpoint as it always did, once per token it needs, and its token is then taken by
 * the new instances: versions never overwrite each other in a loop, and the requests the
 * deploy adds are at most those of the old instances.
 *
 * @author sitecore-cdp-spring-boot
 */
final class SharedEntries {

	/** Version 2: instants on the fleet's clock (Redis's), not on the writer's. */
	private static final String TOKEN = "token 2";

	/** Version 3: the retry instant on the fleet's clock. */
	private static final String BACKOFF = "backoff 3";

	/**
	 * What the previous release writes: the same lines, instants on the writer's clock.
	 * Read during a rolling deploy, never written.
	 */
	private static final String PREVIOUS_TOKEN = "token 1";

	private static final String PREVIOUS_BACKOFF = "backoff 2";

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
			// An instance of the previous release wrote it, during a rolling deploy: its
			// instants are on its own clock, which is the best guess of the reader's.
			lines = lines(text, PREVIOUS_TOKEN, 5);
			offsetMillis = 0;
		}
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

	/**
	 * Read the fleet's backoff.
	 * @param text the entry
	 * @param offsetMillis the fleet's time minus the reader's, to move an entry of the
	 * previous release (on its writer's clock) onto the fleet's
	 */
	static @Nullable FleetBackoff backoff(@Nullable String text, long offsetMillis) {
		String[] lines = lines(text, BACKOFF, 6);
		long shift = 0;
		if (lines == null) {
			lines = lines(text, PREVIOUS_BACKOFF, 6);
			shift = offsetMillis;
		}
		if (lines == null) {
			return null;
		}
		try {
			return new FleetBackoff(Integer.parseInt(lines[1]), Long.parseLong(lines[2]) + shift,
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

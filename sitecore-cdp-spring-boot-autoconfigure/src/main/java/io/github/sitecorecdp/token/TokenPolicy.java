package io.github.sitecorecdp.token;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Every rule about a token's time, in one place: how long a token lives when the answer
 * does not say, when it is refreshed in the background (with jitter), when it stops being
 * sent, and how long to hold back after failed token requests or tokens the API refused.
 *
 * @param refreshAhead how long before expiry a background refresh starts; capped at half
 * the token's lifetime
 * @param expiryMargin how long before expiry a token is no longer sent; capped at a tenth
 * of the token's lifetime
 * @param initialBackoff wait after the first failed token request
 * @param maxBackoff longest wait between failed token requests
 * @author sitecore-cdp-spring-boot
 */
public record TokenPolicy(Duration refreshAhead, Duration expiryMargin, Duration initialBackoff, Duration maxBackoff) {

	/**
	 * Lifetime assumed when the token response has no {@code expires_in} and the token has
	 * no JWT {@code exp} claim: short, so that a wrong guess costs little.
	 */
	public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

	/**
	 * Longest lifetime believed, whatever the answer claims, and longest duration any rule
	 * here takes. Bounding every input keeps all the arithmetic below far from overflow.
	 */
	public static final Duration MAX_DURATION = Duration.ofDays(365);

	/**
	 * Shortest lifetime accepted: a token that lives less is of no use.
	 */
	static final Duration MIN_LIFETIME = Duration.ofSeconds(1);

	/**
	 * Jitter moves a refresh point and shortens a backoff step by up to this fraction, so
	 * that instances that started or failed together do not act together.
	 */
	private static final double JITTER = 0.2;

	/**
	 * The defaults (declared after the bounds they are checked against): refresh 5 minutes ahead, stop sending 60 seconds before expiry, back off
	 * from 1 second up to 30 seconds.
	 */
	public static final TokenPolicy DEFAULTS = new TokenPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60),
			Duration.ofSeconds(1), Duration.ofSeconds(30));

	public TokenPolicy {
		requireBounded("refreshAhead", refreshAhead);
		requireBounded("expiryMargin", expiryMargin);
		requireBounded("initialBackoff", initialBackoff);
		requireBounded("maxBackoff", maxBackoff);
		Assert.isTrue(expiryMargin.compareTo(refreshAhead) < 0, "expiryMargin must be shorter than refreshAhead");
		Assert.isTrue(initialBackoff.compareTo(maxBackoff) <= 0, "initialBackoff must not exceed maxBackoff");
	}

	/**
	 * Return how long a newly issued token lives: {@code expires_in} when the answer has
	 * a positive one, else until the JWT {@code exp} claim, else {@link #DEFAULT_LIFETIME};
	 * never more than {@link #MAX_DURATION} nor less than a second.
	 * @param expiresInSeconds the answer's {@code expires_in}, or {@code null}
	 * @param jwtExpiry the token's {@code exp} claim, or {@code null}
	 * @param now when the token was requested
	 * @return the lifetime
	 */
	public static Duration lifetime(@Nullable Long expiresInSeconds, @Nullable Instant jwtExpiry, Instant now) {
		Duration lifetime;
		if (expiresInSeconds != null && expiresInSeconds > 0) {
			lifetime = (expiresInSeconds < MAX_DURATION.toSeconds()) ? Duration.ofSeconds(expiresInSeconds)
					: MAX_DURATION;
		}
		else if (jwtExpiry != null) {
			lifetime = (jwtExpiry.isAfter(now.plus(MAX_DURATION))) ? MAX_DURATION : Duration.between(now, jwtExpiry);
		}
		else {
			lifetime = DEFAULT_LIFETIME;
		}
		return max(lifetime, MIN_LIFETIME);
	}

	/**
	 * Return the refresh-ahead window for a token of the given lifetime.
	 * @param lifetime the token's lifetime
	 * @return {@code min(refreshAhead, lifetime / 2)}
	 */
	public Duration refreshAheadFor(Duration lifetime) {
		return min(this.refreshAhead, lifetime.dividedBy(2));
	}

	/**
	 * Return the expiry margin for a token of the given lifetime.
	 * @param lifetime the token's lifetime
	 * @return {@code min(expiryMargin, lifetime / 10)}
	 */
	public Duration expiryMarginFor(Duration lifetime) {
		return min(this.expiryMargin, lifetime.dividedBy(10));
	}

	/**
	 * Return from when a token is no longer sent: its expiry margin before it expires.
	 * @param issuedAt when the token was requested
	 * @param lifetime its lifetime, as {@link #lifetime} returned it
	 * @return the stale point
	 */
	public Instant staleAt(Instant issuedAt, Duration lifetime) {
		return issuedAt.plus(lifetime).minus(expiryMarginFor(lifetime));
	}

	/**
	 * Return from when a token is refreshed in the background: its refresh-ahead window
	 * before it expires, moved later by up to a fifth of the window between there and the
	 * stale point, so that a fleet of instances does not refresh in step.
	 * @param issuedAt when the token was requested
	 * @param lifetime its lifetime, as {@link #lifetime} returned it
	 * @param random a number in {@code [0, 1)}
	 * @return the refresh point, before the stale point
	 */
	public Instant refreshAt(Instant issuedAt, Duration lifetime, double random) {
		Instant staleAt = staleAt(issuedAt, lifetime);
		Duration window = Duration.between(issuedAt.plus(lifetime).minus(refreshAheadFor(lifetime)), staleAt);
		return staleAt.minus(Duration.ofNanos((long) (window.toNanos() * (1.0 - JITTER * random))));
	}

	/**
	 * Return how long to wait after the given number of consecutive failures: doubling from
	 * the initial backoff, capped, and shortened by up to a fifth at random so that
	 * instances that failed together do not retry together.
	 * @param failures consecutive failed attempts, at least 1
	 * @param random a number in {@code [0, 1)}
	 * @return the wait before the next attempt
	 */
	public Duration backoffAfter(int failures, double random) {
		Duration full = this.initialBackoff;
		for (int i = 1; i < failures && full.compareTo(this.maxBackoff) < 0; i++) {
			full = full.multipliedBy(2);
		}
		full = min(full, this.maxBackoff);
		return Duration.ofNanos((long) (full.toNanos() * (1.0 - JITTER * random)));
	}

	/**
	 * Return whether a failure belongs to the same run as the one before it, so that its
	 * backoff doubles: it comes before the previous step ended plus the longest step.
	 * After a quiet spell that long, a run starts again from the initial backoff.
	 * @param previousRetryAtMillis when the previous step ended, in epoch milliseconds
	 * @param nowMillis now, in epoch milliseconds
	 * @return whether the run goes on
	 */
	public boolean continuesRun(long previousRetryAtMillis, long nowMillis) {
		return nowMillis < previousRetryAtMillis + this.maxBackoff.toMillis();
	}

	/**
	 * Return whether a failure belongs to the same run as the one before it: it comes less
	 * than the longest step after the previous step ended.
	 * @param sincePreviousStepEnded how long ago the previous step ended (negative while it
	 * lasts)
	 * @return whether the run goes on
	 */
	public boolean continuesRun(Duration sincePreviousStepEnded) {
		return sincePreviousStepEnded.compareTo(this.maxBackoff) < 0;
	}

	private static void requireBounded(String name, Duration duration) {
		Assert.notNull(duration, () -> name + " must not be null");
		Assert.isTrue(!duration.isNegative() && !duration.isZero(), () -> name + " must be positive");
		Assert.isTrue(duration.compareTo(MAX_DURATION) <= 0, () -> name + " must be at most " + MAX_DURATION);
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

}

package io.github.sitecorecdp.token;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * When a cached token is refreshed, when it stops being sent, and how long to hold back
 * after failed token requests.
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
	 * The defaults: refresh 5 minutes ahead, stop sending 60 seconds before expiry, back off
	 * from 1 second up to 30 seconds.
	 */
	public static final TokenPolicy DEFAULTS = new TokenPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60),
			Duration.ofSeconds(1), Duration.ofSeconds(30));

	public TokenPolicy {
		Assert.isTrue(isPositive(refreshAhead), "refreshAhead must be positive");
		Assert.isTrue(isPositive(expiryMargin), "expiryMargin must be positive");
		Assert.isTrue(expiryMargin.compareTo(refreshAhead) < 0, "expiryMargin must be shorter than refreshAhead");
		Assert.isTrue(isPositive(initialBackoff), "initialBackoff must be positive");
		Assert.isTrue(initialBackoff.compareTo(maxBackoff) <= 0, "initialBackoff must not exceed maxBackoff");
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
		return Duration.ofNanos((long) (full.toNanos() * (1.0 - 0.2 * random)));
	}

	private static boolean isPositive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

}

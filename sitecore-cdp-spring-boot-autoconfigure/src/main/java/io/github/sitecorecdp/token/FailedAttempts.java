package io.github.sitecorecdp.token;

import java.time.Instant;

/**
 * The consecutive failed token requests so far and when the next may be made.
 *
 * @param count how many token requests in a row have failed
 * @param lastError the failure of the last one
 * @param retryAt no token request before this instant
 * @author sitecore-cdp-spring-boot
 */
record FailedAttempts(int count, CdpTokenException lastError, Instant retryAt) {

	boolean holdBack(Instant now) {
		return now.isBefore(this.retryAt);
	}

}

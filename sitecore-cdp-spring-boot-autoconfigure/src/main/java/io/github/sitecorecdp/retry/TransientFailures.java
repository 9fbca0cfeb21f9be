package io.github.sitecorecdp.retry;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;

import io.github.sitecorecdp.api.CdpApiException;
import org.jspecify.annotations.Nullable;

import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Which failures are worth trying again: what Sitecore documents as "try again"
 * ({@code 503}), what S3 answers with "please try again" ({@code 500 InternalError},
 * {@code 503 SlowDown}), any other {@code 5xx} but {@code 501} and {@code 505}, which no
 * retry changes, {@code 429}, and failures to connect, reset connections and timeouts.
 * Never another {@code 4xx}: the request itself is wrong.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class TransientFailures {

	private TransientFailures() {
	}

	/**
	 * Return whether a failure is transient.
	 * @param failure the failure
	 * @return whether trying again may succeed
	 */
	public static boolean isTransient(Throwable failure) {
		if (failure instanceof WebClientResponseException response) {
			return isTransientStatus(response.getStatusCode().value());
		}
		if (failure instanceof CdpApiException api) {
			return isTransientStatus(api.getHttpStatus());
		}
		if (failure instanceof WebClientRequestException request) {
			// A token that could not be had is the token manager's to retry, with its own backoff.
			Throwable cause = request.getCause();
			return cause == null || !cause.getClass().getName().startsWith("io.github.sitecorecdp.token.");
		}
		return failure instanceof TimeoutException;
	}

	/**
	 * Return whether a failure of a streamed read is transient: as
	 * {@link #isTransient(Throwable)}, and also a body cut after its headers (an
	 * {@link IOException} such as Reactor Netty's premature close, or a reset) or stalled
	 * past the client's response timeout (Netty's read timeout). Those reach a body's
	 * subscriber as they are, not wrapped in a {@link WebClientRequestException}.
	 * @param failure the failure
	 * @return whether reading on may succeed
	 */
	public static boolean isTransientRead(Throwable failure) {
		return isTransient(failure) || failure instanceof IOException
				|| failure.getClass().getName().startsWith("io.netty.handler.timeout.");
	}

	/**
	 * Return whether a status is transient.
	 * @param status the HTTP status
	 * @return whether trying again may succeed
	 */
	public static boolean isTransientStatus(int status) {
		return status == 429 || (status >= 500 && status <= 599 && status != 501 && status != 505);
	}

	/**
	 * Return the wait a failure's {@code Retry-After} header asks for: seconds or an HTTP
	 * date.
	 * @param failure the failure
	 * @param clock the clock an HTTP date is measured against
	 * @return the wait, or zero when there is none
	 */
	public static Duration retryAfter(Throwable failure, Clock clock) {
		if (!(failure instanceof WebClientResponseException response)) {
			return Duration.ZERO;
		}
		String value = response.getHeaders().getFirst("Retry-After");
		return (value != null) ? parseRetryAfter(value.trim(), clock) : Duration.ZERO;
	}

	static Duration parseRetryAfter(String value, Clock clock) {
		try {
			return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
		}
		catch (NumberFormatException ex) {
			Instant at = httpDate(value);
			if (at == null) {
				return Duration.ZERO;
			}
			Duration wait = Duration.between(clock.instant(), at);
			return wait.isNegative() ? Duration.ZERO : wait;
		}
	}

	private static @Nullable Instant httpDate(String value) {
		try {
			return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}

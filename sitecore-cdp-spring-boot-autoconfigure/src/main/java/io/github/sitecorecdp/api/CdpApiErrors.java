package io.github.sitecorecdp.api;

import java.text.ParseException;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientResponse;

/**
 * Turns an error answer of a Sitecore CDP REST API into a {@link CdpApiException}. Reads
 * CDP's error body whatever its variant: {@code status} as a number or a name,
 * {@code moreInfoUrl} or its older name {@code moreInfo}, or no JSON at all.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CdpApiErrors {

	private static final int MAX_TEXT_LENGTH = 300;

	private CdpApiErrors() {
	}

	/**
	 * Read the response body into the matching exception. For use with
	 * {@code retrieve().onStatus(HttpStatusCode::isError, CdpApiErrors::toException)}.
	 * @param response an error response
	 * @return the exception, as a {@link Mono} that never completes empty
	 */
	public static Mono<CdpApiException> toException(ClientResponse response) {
		int httpStatus = response.statusCode().value();
		String what = response.request().getMethod() + " " + response.request().getURI().getPath();
		return response.bodyToMono(String.class)
			.defaultIfEmpty("")
			.map((body) -> toException(httpStatus, what, body));
	}

	static CdpApiException toException(int httpStatus, String what, String body) {
		Map<String, Object> json = parse(body);
		String status = text(json.get("status"));
		Integer code = number(json.get("code"));
		String message = text(json.get("message"));
		String developerMessage = text(json.get("developerMessage"));
		String moreInfoUrl = text(json.containsKey("moreInfoUrl") ? json.get("moreInfoUrl") : json.get("moreInfo"));
		StringBuilder summary = new StringBuilder("Sitecore CDP answered ").append(describe(httpStatus))
			.append(" to ")
			.append(what);
		if (message != null) {
			summary.append(": ").append(shorten(message));
		}
		if (developerMessage != null && !developerMessage.equals(message)) {
			summary.append(" (").append(shorten(developerMessage)).append(")");
		}
		if (json.isEmpty() && !body.isBlank()) {
			summary.append(": ").append(shorten(body.strip()));
		}
		if (httpStatus == 404) {
			return new CdpNotFoundException(summary.toString(), status, code, message, developerMessage, moreInfoUrl);
		}
		return new CdpApiException(summary.toString(), httpStatus, status, code, message, developerMessage,
				moreInfoUrl);
	}

	private static Map<String, Object> parse(String body) {
		try {
			return body.isBlank() ? Map.of() : JSONObjectUtils.parse(body);
		}
		catch (ParseException ex) {
			return Map.of();
		}
	}

	private static @Nullable String text(@Nullable Object value) {
		if (value == null) {
			return null;
		}
		if (value instanceof Number number && number.doubleValue() == number.longValue()) {
			return String.valueOf(number.longValue());
		}
		String text = value.toString();
		return text.isBlank() ? null : text;
	}

	private static @Nullable Integer number(@Nullable Object value) {
		if (value instanceof Number number) {
			return number.intValue();
		}
		if (value instanceof String text) {
			try {
				return Integer.valueOf(text.trim());
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return null;
	}

	private static String describe(int httpStatus) {
		HttpStatus known = HttpStatus.resolve(httpStatus);
		return (known != null) ? httpStatus + " " + known.getReasonPhrase() : String.valueOf(httpStatus);
	}

	private static String shorten(String text) {
		return (text.length() > MAX_TEXT_LENGTH) ? text.substring(0, MAX_TEXT_LENGTH) + "..." : text;
	}

}

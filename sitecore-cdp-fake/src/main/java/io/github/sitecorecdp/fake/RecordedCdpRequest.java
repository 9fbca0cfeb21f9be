package io.github.sitecorecdp.fake;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A request the fake received, with the status it answered, for assertions.
 *
 * @param kind which server it reached
 * @param method the HTTP method
 * @param uri the path and query, as sent
 * @param headers the request headers (names in lower case)
 * @param body the request body as text, empty for none
 * @param status the status the fake answered with
 * @param client the address and port the request came from ({@code 127.0.0.1:51234}), so
 * that a fake serving several JVMs tells them apart; empty when unknown
 * @author sitecore-cdp-spring-boot
 */
public record RecordedCdpRequest(Kind kind, String method, String uri, Map<String, List<String>> headers, String body,
		int status, String client) {

	/**
	 * Create a record of a request whose sender is unknown.
	 * @param kind which server it reached
	 * @param method the HTTP method
	 * @param uri the path and query, as sent
	 * @param headers the request headers (names in lower case)
	 * @param body the request body as text, empty for none
	 * @param status the status the fake answered with
	 */
	public RecordedCdpRequest(Kind kind, String method, String uri, Map<String, List<String>> headers, String body,
			int status) {
		this(kind, method, uri, headers, body, status, "");
	}

	/**
	 * Return the first value of a header.
	 * @param name the header name, in any case
	 * @return the value, or {@code null}
	 */
	public @Nullable String header(String name) {
		List<String> values = this.headers.get(name.toLowerCase(Locale.ROOT));
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	/**
	 * Return the bearer token the request carried.
	 * @return the token, or {@code null}
	 */
	public @Nullable String bearerToken() {
		String authorization = header("Authorization");
		return (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7))
				? authorization.substring(7) : null;
	}

	/**
	 * Return the path, without the query.
	 * @return the path
	 */
	public String path() {
		int query = this.uri.indexOf('?');
		return (query >= 0) ? this.uri.substring(0, query) : this.uri;
	}

	/**
	 * Return the fields of a form-encoded body, decoded; the first value of each field.
	 * @return field names and values, in the order sent
	 */
	public Map<String, String> form() {
		Map<String, String> fields = new LinkedHashMap<>();
		if (this.body.isEmpty()) {
			return fields;
		}
		for (String pair : this.body.split("&")) {
			int equals = pair.indexOf('=');
			String name = (equals >= 0) ? pair.substring(0, equals) : pair;
			String value = (equals >= 0) ? pair.substring(equals + 1) : "";
			fields.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
					URLDecoder.decode(value, StandardCharsets.UTF_8));
		}
		return fields;
	}

	RecordedCdpRequest withStatus(int status) {
		return new RecordedCdpRequest(this.kind, this.method, this.uri, this.headers, this.body, status, this.client);
	}

	@Override
	public String toString() {
		// Headers and body stay out: they hold the test's credentials and tokens.
		return this.kind + " " + this.method + " " + path() + " -> " + this.status;
	}

	/**
	 * Which server of the fake a request reached.
	 */
	public enum Kind {

		/** The OAuth2 token endpoint. */
		TOKEN,

		/** A CDP REST API endpoint. */
		API,

		/** A presigned export file on the file host. */
		FILE

	}

}

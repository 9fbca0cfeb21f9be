package io.github.sitecorecdp.test;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A request the fake received, for assertions.
 *
 * @param kind which endpoint it reached
 * @param method the HTTP method
 * @param uri the path and query, as sent
 * @param headers the request headers (names in lower case)
 * @param body the request body as text, empty for none
 * @author sitecore-cdp-spring-boot
 */
public record RecordedCdpRequest(Kind kind, String method, String uri, Map<String, List<String>> headers,
		String body) {

	/**
	 * Return the first value of a header.
	 * @param name the header name, in any case
	 * @return the value, or {@code null}
	 */
	public @Nullable String header(String name) {
		List<String> values = this.headers.get(name.toLowerCase(java.util.Locale.ROOT));
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
	 * Which endpoint of the fake a request reached.
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

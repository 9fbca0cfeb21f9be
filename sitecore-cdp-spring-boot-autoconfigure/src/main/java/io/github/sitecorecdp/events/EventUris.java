package io.github.sitecorecdp.events;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * The Stream API addresses of one tenant: {@code browser/create} (always the same) and
 * {@code event/create} with its message.
 *
 * <p>
 * Built once, not per event: the sender's single worker subscribes every call, and
 * expanding a URI template for each event took about a third of that thread's time
 * (profiled in {@code EventStreamBenchmark}), which capped events per second. Only the
 * message varies; it is encoded as {@link UriComponentsBuilder#encode()} encodes a URI
 * variable (everything but RFC 3986's unreserved characters is percent-encoded), so the
 * address is the one the builder would give.
 *
 * @author sitecore-cdp-spring-boot
 */
final class EventUris {

	private final URI browserCreate;

	/** The event address up to and including {@code message=}. */
	private final String eventPrefix;

	EventUris(URI baseUrl, String clientKey) {
		this.browserCreate = build(baseUrl, "/v1.2/browser/create.json", clientKey, "{}");
		String prefix = build(baseUrl, "/v1.2/event/create.json", clientKey, "").toString();
		this.eventPrefix = prefix;
	}

	URI browserCreate() {
		return this.browserCreate;
	}

	URI eventCreate(String message) {
		return URI.create(this.eventPrefix + UriUtils.encode(message, StandardCharsets.UTF_8));
	}

	static URI build(URI baseUrl, String path, String clientKey, String message) {
		// Without a fragment (never sent anyway), the query and so the message come last.
		return UriComponentsBuilder.fromUri(baseUrl)
			.fragment(null)
			.path(path)
			.queryParam("client_key", "{clientKey}")
			.queryParam("message", "{message}")
			.encode()
			.buildAndExpand(clientKey, message)
			.toUri();
	}

}

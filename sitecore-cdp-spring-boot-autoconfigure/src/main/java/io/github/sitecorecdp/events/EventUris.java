package io.github.sitecorecdp.events;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.springframework.web.util.UriComponentsBuilder;

/**
 * The Stream API addresses of one tenant: {@code browser/create} (always the same) and
 * {@code event/create} with its message.
 *
 * <p>
 * Built once, not per event: the sender's single worker subscribes every call, and
 * expanding a URI template for each event took about a third of that thread's time
 * (profiled in {@code EventStreamBenchmark}), which capped events per second. Only the
 * message varies; it is encoded as {@link UriComponentsBuilder#encode()} encodes a URI
 * variable (everything but RFC 3986's unreserved characters is percent-encoded, UTF-8,
 * upper-case hex), so the address is the one the builder would give.
 *
 * @author sitecore-cdp-spring-boot
 */
final class EventUris {

	private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

	private final String browserCreate;

	/** The event address up to and including {@code message=}, in ASCII. */
	private final byte[] eventPrefix;

	EventUris(URI baseUrl, String clientKey) {
		this.browserCreate = build(baseUrl, "/v1.2/browser/create.json", clientKey, "{}").toString();
		String prefix = build(baseUrl, "/v1.2/event/create.json", clientKey, "").toString();
		this.eventPrefix = prefix.getBytes(StandardCharsets.US_ASCII);
	}

	String browserCreate() {
		return this.browserCreate;
	}

	String eventCreate(String message) {
		byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
		// By hand rather than UriUtils.encode, which copies through a byte stream and a second
		// String: that was a twentieth of the time of a completed call spent starting the
		// next one (profiled in EventStreamBenchmark). The same rule, checked against the
		// template in EventUrisTests. Into bytes sized for the worst case rather than a
		// StringBuilder, which a later profile caught growing its array on every event
		// (8 % of the event loops' samples).
		byte[] uri = new byte[this.eventPrefix.length + bytes.length * 3];
		System.arraycopy(this.eventPrefix, 0, uri, 0, this.eventPrefix.length);
		int length = this.eventPrefix.length;
		for (byte b : bytes) {
			int c = b & 0xFF;
			if (isUnreserved(c)) {
				uri[length++] = (byte) c;
			}
			else {
				uri[length++] = '%';
				uri[length++] = HEX[c >> 4];
				uri[length++] = HEX[c & 0xF];
			}
		}
		// Kept as text: Reactor Netty sends it as it is, and a WebClient parses it itself.
		return new String(uri, 0, length, StandardCharsets.US_ASCII);
	}

	/** RFC 3986's unreserved characters: {@code ALPHA / DIGIT / "-" / "." / "_" / "~"}. */
	private static boolean isUnreserved(int c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
				|| c == '_' || c == '~';
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

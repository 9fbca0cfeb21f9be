package io.github.sitecorecdp.testsupport;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import javax.net.ssl.SSLSocketFactory;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A token endpoint on loopback that issues {@code token-1}, {@code token-2}, ... and
 * records every request. Responses can be delayed, scripted, or stripped of
 * {@code expires_in}.
 */
public final class TokenEndpoint extends Dispatcher implements AutoCloseable {

	public static final String PATH = "/oauth/token";

	private final MockWebServer server;

	private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

	private final Queue<MockResponse> scripted = new ConcurrentLinkedQueue<>();

	private final AtomicInteger issued = new AtomicInteger();

	private volatile long lifetimeSeconds = 86400;

	private volatile boolean sendExpiresIn = true;

	private volatile long delayMillis;

	private volatile IntFunction<String> tokenValues = (n) -> "token-" + n;

	private volatile MockResponse failure;

	private final Map<String, Instant> issuedAt = new ConcurrentHashMap<>();

	private TokenEndpoint(SSLSocketFactory https) {
		this.server = LoopbackServer.start(this, https);
	}

	public static TokenEndpoint start() {
		return start(null);
	}

	/** Serves HTTPS with the given socket factory, or plain HTTP for {@code null}. */
	public static TokenEndpoint start(SSLSocketFactory https) {
		return new TokenEndpoint(https);
	}

	public URI uri() {
		return this.server.url(PATH).uri();
	}

	public TokenEndpoint lifetimeSeconds(long seconds) {
		this.lifetimeSeconds = seconds;
		return this;
	}

	public TokenEndpoint withoutExpiresIn() {
		this.sendExpiresIn = false;
		return this;
	}

	public TokenEndpoint delayMillis(long millis) {
		this.delayMillis = millis;
		return this;
	}

	public TokenEndpoint tokenValues(IntFunction<String> values) {
		this.tokenValues = values;
		return this;
	}

	/** The next request gets this answer instead of a token. */
	public TokenEndpoint thenRespond(int status, String body) {
		this.scripted.add(json(status, body).build());
		return this;
	}

	/** Every request gets this answer until {@link #recover()}. */
	public TokenEndpoint failWith(int status, String body) {
		this.failure = json(status, body).build();
		return this;
	}

	public TokenEndpoint recover() {
		this.failure = null;
		return this;
	}

	public int requestCount() {
		return this.requests.size();
	}

	public int issuedCount() {
		return this.issued.get();
	}

	/** Whether this endpoint issued the token and, by the real clock, it has not expired. */
	public boolean isUnexpired(String token) {
		Instant issued = this.issuedAt.get(token);
		return issued != null && Instant.now().isBefore(issued.plusSeconds(this.lifetimeSeconds));
	}

	public List<RecordedRequest> requests() {
		return this.requests;
	}

	public RecordedRequest lastRequest() {
		return this.requests.get(this.requests.size() - 1);
	}

	public static Map<String, String> form(RecordedRequest request) {
		Map<String, String> fields = new LinkedHashMap<>();
		String body = request.getBody().utf8();
		for (String pair : body.split("&")) {
			int equals = pair.indexOf('=');
			fields.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
					URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		return fields;
	}

	@Override
	public MockResponse dispatch(RecordedRequest request) {
		this.requests.add(request);
		MockResponse next = this.scripted.poll();
		if (next == null) {
			next = this.failure;
		}
		if (next != null) {
			return next;
		}
		String token = this.tokenValues.apply(this.issued.incrementAndGet());
		this.issuedAt.putIfAbsent(token, Instant.now());
		String body = "{\"access_token\":\"" + token + "\",\"scope\":\"cdp.audience_exports:r\","
				+ (this.sendExpiresIn ? "\"expires_in\":" + this.lifetimeSeconds + "," : "")
				+ "\"token_type\":\"Bearer\"}";
		return json(200, body).headersDelay(this.delayMillis, TimeUnit.MILLISECONDS).build();
	}

	private static MockResponse.Builder json(int status, String body) {
		return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body);
	}

	@Override
	public void close() {
		this.server.close();
	}

}

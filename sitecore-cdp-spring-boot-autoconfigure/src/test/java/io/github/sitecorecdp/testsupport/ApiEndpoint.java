package io.github.sitecorecdp.testsupport;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import javax.net.ssl.SSLSocketFactory;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * An API host on loopback that records every request and answers 200 with a small JSON
 * body, or 401 with Sitecore CDP's error body for scripted answers and rejected tokens.
 */
public final class ApiEndpoint extends Dispatcher implements AutoCloseable {

	public static final String UNAUTHORIZED_BODY = "{\"status\":\"UNAUTHORIZED\",\"code\":401,"
			+ "\"message\":\"Unauthorized\",\"developerMessage\":\"Invalid token\",\"moreInfoUrl\":\"\"}";

	private final MockWebServer server;

	private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

	private final Queue<Integer> scriptedStatuses = new ConcurrentLinkedQueue<>();

	private final Set<String> rejectedTokens = ConcurrentHashMap.newKeySet();

	private final Queue<String> scriptedBodies = new ConcurrentLinkedQueue<>();

	private volatile Duration rejectionDelay = Duration.ZERO;

	private volatile Predicate<String> tokenCheck = (token) -> true;

	private final AtomicInteger unauthorized = new AtomicInteger();

	private ApiEndpoint(SSLSocketFactory https) {
		this.server = LoopbackServer.start(this, https);
	}

	public static ApiEndpoint start() {
		return start(null);
	}

	/** Serves HTTPS with the given socket factory, or plain HTTP for {@code null}. */
	public static ApiEndpoint start(SSLSocketFactory https) {
		return new ApiEndpoint(https);
	}

	public URI baseUrl() {
		String root = this.server.url("/").toString();
		return URI.create(root.substring(0, root.length() - 1));
	}

	/** The next requests get these statuses, in order. */
	public ApiEndpoint thenRespond(int... statuses) {
		for (int status : statuses) {
			this.scriptedStatuses.add(status);
		}
		return this;
	}

	/** The next successful answers carry these JSON bodies, in order. */
	public ApiEndpoint thenAnswer(String... jsonBodies) {
		for (String body : jsonBodies) {
			this.scriptedBodies.add(body);
		}
		return this;
	}

	/** Requests with this token get 401. */
	public ApiEndpoint reject(String token) {
		this.rejectedTokens.add(token);
		return this;
	}

	/**
	 * Answers to rejected tokens ({@link #reject}, {@link #acceptOnly}) come this much
	 * later, so that concurrent calls overlap.
	 */
	public ApiEndpoint delayRejections(Duration delay) {
		this.rejectionDelay = delay;
		return this;
	}

	/** Tokens that fail this check get 401, as an expired token would at Sitecore. */
	public ApiEndpoint acceptOnly(Predicate<String> check) {
		this.tokenCheck = check;
		return this;
	}

	public int unauthorizedCount() {
		return this.unauthorized.get();
	}

	public int requestCount() {
		return this.requests.size();
	}

	public List<RecordedRequest> requests() {
		return this.requests;
	}

	public static String authorization(RecordedRequest request) {
		return request.getHeaders().get("Authorization");
	}

	@Override
	public MockResponse dispatch(RecordedRequest request) {
		this.requests.add(request);
		Integer status = this.scriptedStatuses.poll();
		if (status == null && isRejected(authorization(request))) {
			this.unauthorized.incrementAndGet();
			return new MockResponse.Builder().code(401)
				.setHeader("Content-Type", "application/json")
				.body(UNAUTHORIZED_BODY)
				.headersDelay(this.rejectionDelay.toMillis(), TimeUnit.MILLISECONDS)
				.build();
		}
		if (status != null && status != 200) {
			if (status == 401) {
				this.unauthorized.incrementAndGet();
			}
			return json(status, (status == 401) ? UNAUTHORIZED_BODY : "{\"code\":" + status + "}");
		}
		String body = this.scriptedBodies.poll();
		return json(200, (body != null) ? body : "{\"path\":\"" + request.getUrl().encodedPath() + "\"}");
	}

	private boolean isRejected(String authorization) {
		if (authorization == null) {
			return false;
		}
		String token = authorization.substring("Bearer ".length());
		return this.rejectedTokens.contains(token) || !this.tokenCheck.test(token);
	}

	private static MockResponse json(int status, String body) {
		return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body).build();
	}

	@Override
	public void close() {
		this.server.close();
	}

}

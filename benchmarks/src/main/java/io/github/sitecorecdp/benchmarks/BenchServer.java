package io.github.sitecorecdp.benchmarks;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The local HTTP server every client in a run talks to (Reactor Netty on loopback): a
 * token endpoint that counts what it issues, and an API that answers a small JSON body,
 * or 401 to unknown, revoked or expired tokens.
 */
final class BenchServer implements AutoCloseable {

	static final String STATIC_TOKEN = "static-benchmark-token";

	private static final String API_BODY = "{\"executionRef\":\"exec-1\",\"numberOfFiles\":3,\"totalSizeKB\":22}";

	private final Clock clock;

	private final LoopResources loops;

	private final DisposableServer server;

	private final AtomicInteger tokenRequests = new AtomicInteger();

	private final AtomicLong expiredTokenCalls = new AtomicLong();

	private final Map<String, Instant> expiries = new ConcurrentHashMap<>();

	private final Set<String> revoked = ConcurrentHashMap.newKeySet();

	private volatile Duration tokenDelay = Duration.ZERO;

	BenchServer(Clock clock) {
		this.clock = clock;
		this.expiries.put(STATIC_TOKEN, Instant.MAX);
		// Event loops of its own: sharing the clients' loops made throughput bimodal, by
		// whether a client connection and its server side landed on the same thread.
		this.loops = LoopResources.create("bench-server", 1, true);
		this.server = HttpServer.create()
			.runOn(this.loops)
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.post("/oauth/token", this::token).get("/api", this::api))
			.bindNow();
	}

	URI tokenUri() {
		return URI.create(baseUrl() + "/oauth/token");
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
	}

	int tokenRequests() {
		return this.tokenRequests.get();
	}

	long expiredTokenCalls() {
		return this.expiredTokenCalls.get();
	}

	void tokenDelay(Duration delay) {
		this.tokenDelay = delay;
	}

	/** Makes the API refuse this token from now on. */
	void revoke(String token) {
		this.revoked.add(token);
	}

	private Mono<Void> token(HttpServerRequest request, HttpServerResponse response) {
		return request.receive().aggregate().asString().defaultIfEmpty("").flatMap((form) -> {
			int n = this.tokenRequests.incrementAndGet();
			String token = "bench-token-" + n;
			this.expiries.put(token, this.clock.instant().plus(Duration.ofHours(24)));
			String body = "{\"access_token\":\"" + token + "\",\"scope\":\"cdp.audience_exports:r\","
					+ "\"expires_in\":86400,\"token_type\":\"Bearer\"}";
			Mono<Void> answer = response.header("Content-Type", "application/json").sendString(Mono.just(body)).then();
			return this.tokenDelay.isZero() ? answer : Mono.delay(this.tokenDelay).then(answer);
		});
	}

	private Mono<Void> api(HttpServerRequest request, HttpServerResponse response) {
		String authorization = request.requestHeaders().get("Authorization");
		String token = (authorization != null && authorization.startsWith("Bearer ")) ? authorization.substring(7)
				: "";
		Instant expiry = this.expiries.get(token);
		boolean expired = expiry != null && !this.clock.instant().isBefore(expiry);
		if (expired) {
			this.expiredTokenCalls.incrementAndGet();
		}
		if (expiry == null || expired || this.revoked.contains(token)) {
			return response.status(401)
				.header("Content-Type", "application/json")
				.sendString(Mono.just("{\"status\":\"UNAUTHORIZED\",\"code\":401}"))
				.then();
		}
		return response.header("Content-Type", "application/json").sendString(Mono.just(API_BODY)).then();
	}

	@Override
	public void close() {
		this.server.disposeNow();
		this.loops.disposeLater().block();
	}

}

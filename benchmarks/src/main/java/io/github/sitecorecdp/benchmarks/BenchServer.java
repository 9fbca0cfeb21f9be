package io.github.sitecorecdp.benchmarks;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The local HTTP server every client in a run talks to (Reactor Netty on loopback): a
 * token endpoint that counts what it issues, and an API that answers a small JSON body,
 * or 401 to unknown, revoked or expired tokens. For the real-time benchmarks (issue 23)
 * it also answers what Sitecore's Stream API answers ({@code browser/create} 200 with a
 * ref, {@code event/create} 201), counting events, and Personalize's {@code callFlows}
 * (200 with a decision), with the faults those benchmarks need: a Stream API held until
 * released or stalled for good, a flow answering late.
 */
final class BenchServer implements AutoCloseable {

	static final String STATIC_TOKEN = "static-benchmark-token";

	/** The name prefix of its event loop's thread. */
	static final String THREADS = "bench-server";

	private static final String API_BODY = "{\"executionRef\":\"exec-1\",\"numberOfFiles\":3,\"totalSizeKB\":22}";

	/** What Sitecore's {@code event/create} answers with its 201. */
	private static final String EVENT_BODY = "{\"status\":\"OK\",\"version\":\"1.2\"}";

	/** A flow's decision, an offer as in the docs. */
	static final String FLOW_BODY = "{\"title\":\"10% off\",\"imageUrl\":\"/img/offer.png\"}";

	private final Clock clock;

	private final LoopResources loops;

	private final DisposableServer server;

	private final AtomicInteger tokenRequests = new AtomicInteger();

	private final AtomicLong expiredTokenCalls = new AtomicLong();

	private final Map<String, Instant> expiries = new ConcurrentHashMap<>();

	private final Set<String> revoked = ConcurrentHashMap.newKeySet();

	private volatile Duration tokenDelay = Duration.ZERO;

	private final AtomicLong browsersCreated = new AtomicLong();

	private final AtomicLong eventRequests = new AtomicLong();

	private final AtomicLong flowCalls = new AtomicLong();

	/** While set, Stream API answers wait for it; {@code null}: answered at once. */
	private volatile Sinks.Empty<Void> streamGate;

	private volatile boolean streamStalled;

	private volatile String slowFlow;

	private volatile Duration flowDelay = Duration.ZERO;

	BenchServer(Clock clock) {
		this.clock = clock;
		this.expiries.put(STATIC_TOKEN, Instant.MAX);
		// Event loops of its own: sharing the clients' loops made throughput bimodal, by
		// whether a client connection and its server side landed on the same thread.
		this.loops = LoopResources.create(THREADS, 1, true);
		this.server = HttpServer.create()
			.runOn(this.loops)
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.post("/oauth/token", this::token)
				.get("/api", this::api)
				.get("/v1.2/browser/create.json", this::browserCreate)
				.get("/v1.2/event/create.json", this::eventCreate)
				.post("/v2/callFlows", this::callFlows))
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

	/** Stream API {@code event/create} requests received, answered or not. */
	long eventRequests() {
		return this.eventRequests.get();
	}

	/** Personalize {@code callFlows} requests received, answered or not. */
	long flowCalls() {
		return this.flowCalls.get();
	}

	/**
	 * Holds every Stream API answer (requests are received and counted) until
	 * {@link #releaseStream()}.
	 */
	void holdStream() {
		this.streamGate = Sinks.empty();
	}

	/** Sends the held Stream API answers, and answers at once from now on. */
	void releaseStream() {
		Sinks.Empty<Void> gate = this.streamGate;
		this.streamGate = null;
		if (gate != null) {
			gate.tryEmitEmpty();
		}
	}

	/** Never answers a Stream API request from now on: the connection stays open, silent. */
	void stallStream() {
		this.streamStalled = true;
	}

	/** Answers the flow of this friendly id after a delay; the others at once. */
	void slowFlow(String friendlyId, Duration delay) {
		this.flowDelay = delay;
		this.slowFlow = friendlyId;
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

	private Mono<Void> browserCreate(HttpServerRequest request, HttpServerResponse response) {
		long n = this.browsersCreated.incrementAndGet();
		return stream(request, response.header("Content-Type", "application/json")
			.sendString(Mono.just("{\"status\":\"OK\",\"version\":\"1.2\",\"client_key\":\"bench-client-key\","
					+ "\"ref\":\"bench-browser-" + n + "\",\"customer_ref\":\"bench-guest-" + n + "\"}"))
			.then());
	}

	private Mono<Void> eventCreate(HttpServerRequest request, HttpServerResponse response) {
		this.eventRequests.incrementAndGet();
		return stream(request, response.status(201)
			.header("Content-Type", "application/json")
			.sendString(Mono.just(EVENT_BODY))
			.then());
	}

	/** The Stream API's answer, at once, after the gate opens, or never. */
	private Mono<Void> stream(HttpServerRequest request, Mono<Void> answer) {
		if (this.streamStalled) {
			return Mono.never();
		}
		Sinks.Empty<Void> gate = this.streamGate;
		if (gate == null) {
			return answer;
		}
		// Answered on the connection's event loop, not on the thread that opens the gate:
		// answers sent from that thread left some requests on the same keep-alive
		// connections never answered (ShutdownDrain: 10 to 40 events of 10,000 hung until
		// the shutdown timeout in 5 rounds of 24; none in 24 rounds since).
		AtomicReference<Executor> loop = new AtomicReference<>();
		request.withConnection((connection) -> loop.set(connection.channel().eventLoop()));
		return gate.asMono().publishOn(Schedulers.fromExecutor(loop.get())).then(answer);
	}

	private Mono<Void> callFlows(HttpServerRequest request, HttpServerResponse response) {
		return request.receive().aggregate().asString().defaultIfEmpty("").flatMap((body) -> {
			this.flowCalls.incrementAndGet();
			Mono<Void> answer = response.header("Content-Type", "application/json")
				.sendString(Mono.just(FLOW_BODY))
				.then();
			String slow = this.slowFlow;
			return (slow != null && body.contains("\"friendlyId\":\"" + slow + "\""))
					? Mono.delay(this.flowDelay).then(answer) : answer;
		});
	}

	@Override
	public void close() {
		this.server.disposeNow();
		this.loops.disposeLater().block();
	}

}

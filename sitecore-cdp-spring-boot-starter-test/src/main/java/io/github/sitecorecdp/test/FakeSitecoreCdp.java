package io.github.sitecorecdp.test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.github.sitecorecdp.test.RecordedCdpRequest.Kind;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A fake Sitecore CDP on loopback: a real HTTP server with the OAuth2 token endpoint and
 * the Audience export API, and a second one (another origin) serving presigned export
 * files. Use it to test code that calls Sitecore CDP without Sitecore.
 *
 * <ul>
 * <li>The token endpoint behaves like Sitecore's: form fields checked, {@code audience}
 * required and checked, a wrong key or secret gets
 * {@code 401 {"error":"access_denied"}}; tokens are JWTs with a configurable lifetime.</li>
 * <li>API endpoints require a bearer token the fake issued and that has not expired or
 * been revoked, else {@code 401} with CDP's error body; unknown references get
 * {@code 404}.</li>
 * <li>File URLs refuse requests that carry a bearer token ({@code 400}), expired URLs
 * ({@code 403}) and URLs whose signature was re-encoded ({@code 403}).</li>
 * </ul>
 * Controls (revoke or expire tokens, fail or delay the next calls) and a journal of
 * received requests serve assertions. In Spring Boot tests,
 * {@link AutoConfigureFakeSitecoreCdp @AutoConfigureFakeSitecoreCdp} starts one and points
 * {@code sitecore.cdp.*} at it.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class FakeSitecoreCdp implements AutoCloseable {

	/** API key the fake accepts unless {@link #credentials} says otherwise. */
	public static final String API_KEY = "fake-api-key";

	/** API secret the fake accepts unless {@link #credentials} says otherwise. */
	public static final String API_SECRET = "fake-api-secret";

	/** The audience the fake requires, Sitecore's. */
	public static final String AUDIENCE = "https://api.sitecorecloud.io";

	/** Path of the token endpoint. */
	public static final String TOKEN_PATH = "/oauth/token";

	private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(24);

	private static final String DEFINITIONS = "/v2/audienceExports/definitions/";

	private static final String EXECUTIONS = "/v2/audienceExports/executions/";

	private final Clock clock;

	private final DisposableServer apiServer;

	private final DisposableServer fileServer;

	private final Map<String, Instant> issuedTokens = new ConcurrentHashMap<>();

	private final Map<String, FakeAudienceExport> exports = new ConcurrentHashMap<>();

	private final List<RecordedCdpRequest> journal = new CopyOnWriteArrayList<>();

	private final Queue<Integer> tokenFailures = new ConcurrentLinkedQueue<>();

	private final Queue<Integer> apiFailures = new ConcurrentLinkedQueue<>();

	private final AtomicInteger tokensIssued = new AtomicInteger();

	private volatile String apiKey = API_KEY;

	private volatile String apiSecret = API_SECRET;

	private volatile Duration tokenLifetime = DEFAULT_TOKEN_LIFETIME;

	private volatile boolean sendExpiresIn = true;

	private volatile Duration tokenDelay = Duration.ZERO;

	private volatile Duration apiDelay = Duration.ZERO;

	private FakeSitecoreCdp(Clock clock) {
		this.clock = clock;
		this.apiServer = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.post(TOKEN_PATH, this::token).route((request) -> true, this::api))
			.bindNow();
		this.fileServer = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.route((request) -> true, this::file))
			.bindNow();
	}

	/**
	 * Start a fake on two free loopback ports, with the system clock.
	 * @return the running fake
	 */
	public static FakeSitecoreCdp start() {
		return start(Clock.systemUTC());
	}

	/**
	 * Start a fake that judges token and file-URL expiry by the given clock.
	 * @param clock the clock
	 * @return the running fake
	 */
	public static FakeSitecoreCdp start(Clock clock) {
		return new FakeSitecoreCdp(clock);
	}

	// Addresses

	/**
	 * Return the base URL of the fake's API, for {@code sitecore.cdp.base-url}.
	 * @return the base URL
	 */
	public URI baseUrl() {
		return URI.create("http://127.0.0.1:" + this.apiServer.port());
	}

	/**
	 * Return the fake's token endpoint, for {@code sitecore.cdp.token-uri}.
	 * @return the token endpoint
	 */
	public URI tokenUri() {
		return URI.create(baseUrl() + TOKEN_PATH);
	}

	/**
	 * Return the base URL of the file host, a different origin from the API's.
	 * @return the file host's base URL
	 */
	public URI fileBaseUrl() {
		return URI.create("http://127.0.0.1:" + this.fileServer.port());
	}

	/**
	 * Return the {@code sitecore.cdp.*} properties that point the starter at this fake.
	 * @return property names and values
	 */
	public Map<String, String> properties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("sitecore.cdp.api-key", this.apiKey);
		properties.put("sitecore.cdp.api-secret", this.apiSecret);
		properties.put("sitecore.cdp.token-uri", tokenUri().toString());
		properties.put("sitecore.cdp.base-url", baseUrl().toString());
		return properties;
	}

	// Fixtures

	/**
	 * Return the Audience export definition with this reference, created on first use.
	 * @param definitionRef the definition's friendly id or UUID
	 * @return the definition, to add jobs to
	 */
	public FakeAudienceExport audienceExport(String definitionRef) {
		return this.exports.computeIfAbsent(definitionRef, (ref) -> new FakeAudienceExport(ref, this.clock));
	}

	/**
	 * Add the demo data the sample application shows: audience {@code demo-audience} with
	 * one delta job of three files (two of added guests, one of removed guests).
	 * @return this fake
	 */
	public FakeSitecoreCdp withDemoData() {
		DemoData.addTo(this);
		return this;
	}

	/**
	 * Set the API key and secret the token endpoint accepts.
	 * @param apiKey the API key
	 * @param apiSecret the API secret
	 * @return this fake
	 */
	public FakeSitecoreCdp credentials(String apiKey, String apiSecret) {
		this.apiKey = apiKey;
		this.apiSecret = apiSecret;
		return this;
	}

	/**
	 * Set the lifetime of tokens issued from now on (default 24 hours, as Sitecore's).
	 * @param lifetime the lifetime
	 * @return this fake
	 */
	public FakeSitecoreCdp tokenLifetime(Duration lifetime) {
		this.tokenLifetime = lifetime;
		return this;
	}

	/**
	 * Leave {@code expires_in} out of token responses; the token's {@code exp} claim still
	 * tells the lifetime.
	 * @return this fake
	 */
	public FakeSitecoreCdp omitExpiresIn() {
		this.sendExpiresIn = false;
		return this;
	}

	// Controls

	/**
	 * Revoke every token issued so far: API calls with them get {@code 401}.
	 */
	public void revokeTokens() {
		this.issuedTokens.clear();
	}

	/**
	 * Let every token issued so far expire now: API calls with them get {@code 401}.
	 */
	public void expireTokens() {
		Instant now = this.clock.instant();
		this.issuedTokens.replaceAll((token, expiry) -> now);
	}

	/**
	 * Answer the next token requests with this status instead of a token.
	 * @param count how many requests
	 * @param status the HTTP status, for example 503, 429 or 401
	 * @return this fake
	 */
	public FakeSitecoreCdp failNextTokenRequests(int count, int status) {
		for (int i = 0; i < count; i++) {
			this.tokenFailures.add(status);
		}
		return this;
	}

	/**
	 * Answer the next API requests with this status and CDP's error body.
	 * @param count how many requests
	 * @param status the HTTP status, for example 503, 401 or 400
	 * @return this fake
	 */
	public FakeSitecoreCdp failNextApiRequests(int count, int status) {
		for (int i = 0; i < count; i++) {
			this.apiFailures.add(status);
		}
		return this;
	}

	/**
	 * Answer token requests this much later.
	 * @param delay the delay
	 * @return this fake
	 */
	public FakeSitecoreCdp delayTokenResponses(Duration delay) {
		this.tokenDelay = delay;
		return this;
	}

	/**
	 * Answer API requests this much later.
	 * @param delay the delay
	 * @return this fake
	 */
	public FakeSitecoreCdp delayApiResponses(Duration delay) {
		this.apiDelay = delay;
		return this;
	}

	/**
	 * Undo what a test changes in the fake's behaviour: forget the journal, the scripted
	 * failures and delays, and put the settings back ({@link #credentials} to
	 * {@link #API_KEY} and {@link #API_SECRET}, a 24-hour {@link #tokenLifetime},
	 * {@code expires_in} sent again). Fixtures and issued tokens are kept, so that the
	 * application's cached token stays valid across tests; tokens a test revoked or
	 * expired stay so.
	 */
	public void reset() {
		this.journal.clear();
		this.tokenFailures.clear();
		this.apiFailures.clear();
		this.tokenDelay = Duration.ZERO;
		this.apiDelay = Duration.ZERO;
		this.apiKey = API_KEY;
		this.apiSecret = API_SECRET;
		this.tokenLifetime = DEFAULT_TOKEN_LIFETIME;
		this.sendExpiresIn = true;
	}

	// Journal

	/**
	 * Return every request received, oldest first.
	 * @return the requests
	 */
	public List<RecordedCdpRequest> requests() {
		return List.copyOf(this.journal);
	}

	/**
	 * Return the requests that reached one kind of endpoint, oldest first.
	 * @param kind the endpoint kind
	 * @return the requests
	 */
	public List<RecordedCdpRequest> requests(Kind kind) {
		return this.journal.stream().filter((request) -> request.kind() == kind).toList();
	}

	/**
	 * Return how many token requests were received.
	 * @return the count
	 */
	public int tokenRequestCount() {
		return requests(Kind.TOKEN).size();
	}

	/**
	 * Return how many API requests were received.
	 * @return the count
	 */
	public int apiRequestCount() {
		return requests(Kind.API).size();
	}

	/**
	 * Return how many file requests were received.
	 * @return the count
	 */
	public int fileRequestCount() {
		return requests(Kind.FILE).size();
	}

	/**
	 * Return how many tokens the token endpoint has issued.
	 * @return the count
	 */
	public int issuedTokenCount() {
		return this.tokensIssued.get();
	}

	@Override
	public void close() {
		this.apiServer.disposeNow();
		this.fileServer.disposeNow();
	}

	// Token endpoint

	private Publisher<Void> token(HttpServerRequest request, HttpServerResponse response) {
		return record(Kind.TOKEN, request).flatMap((body) -> {
			Integer failure = this.tokenFailures.poll();
			if (failure != null) {
				return send(response, failure, tokenError(failure), this.tokenDelay);
			}
			Map<String, List<String>> form = new QueryStringDecoder(body, false).parameters();
			if (!"client_credentials".equals(first(form, "grant_type"))) {
				return send(response, 400, oauthError("unsupported_grant_type", "Unsupported grant type"),
						this.tokenDelay);
			}
			if (!this.apiKey.equals(first(form, "client_id")) || !this.apiSecret.equals(first(form, "client_secret"))) {
				return send(response, 401, oauthError("access_denied", "Unauthorized"), this.tokenDelay);
			}
			String audience = first(form, "audience");
			if (audience == null) {
				return send(response, 400, oauthError("invalid_request", "audience is required"), this.tokenDelay);
			}
			if (!AUDIENCE.equals(audience)) {
				return send(response, 403, oauthError("access_denied", "Service not found: " + audience),
						this.tokenDelay);
			}
			return send(response, 200, issueToken(), this.tokenDelay);
		});
	}

	private String issueToken() {
		Instant now = this.clock.instant();
		Instant expiry = now.plus(this.tokenLifetime);
		String token = new PlainJWT(new JWTClaimsSet.Builder().subject(this.apiKey + "@clients")
			.audience(AUDIENCE)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(expiry))
			.jwtID(UUID.randomUUID().toString())
			.claim("scope", "cdp.audience_exports:r")
			.build()).serialize();
		this.issuedTokens.put(token, expiry);
		this.tokensIssued.incrementAndGet();
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("access_token", token);
		answer.put("scope", "cdp.audience_exports:r");
		if (this.sendExpiresIn) {
			answer.put("expires_in", this.tokenLifetime.toSeconds());
		}
		answer.put("token_type", "Bearer");
		return JSONObjectUtils.toJSONString(answer);
	}

	private static String tokenError(int status) {
		if (status == 401 || status == 403) {
			return oauthError("access_denied", "Unauthorized");
		}
		return oauthError((status == 429) ? "too_many_requests" : "server_error", "Injected failure");
	}

	private static String oauthError(String error, String description) {
		return JSONObjectUtils.toJSONString(Map.of("error", error, "error_description", description));
	}

	// API

	private Publisher<Void> api(HttpServerRequest request, HttpServerResponse response) {
		return record(Kind.API, request).flatMap((body) -> {
			Integer failure = this.apiFailures.poll();
			if (failure != null) {
				return send(response, failure, cdpError(failure, "Injected failure"), this.apiDelay);
			}
			String rejection = checkToken(request);
			if (rejection != null) {
				return send(response, 401, cdpError(401, rejection), this.apiDelay);
			}
			String path = new QueryStringDecoder(request.uri()).path();
			if (request.method().name().equals("GET")) {
				Optional<String> answer = answer(path);
				if (answer.isPresent()) {
					return send(response, 200, answer.get(), this.apiDelay);
				}
			}
			return send(response, 404, cdpError(404, "No resource at " + path), this.apiDelay);
		});
	}

	private @Nullable String checkToken(HttpServerRequest request) {
		String authorization = request.requestHeaders().get("Authorization");
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return "Missing bearer token";
		}
		Instant expiry = this.issuedTokens.get(authorization.substring(7));
		if (expiry == null) {
			return "Invalid or revoked token";
		}
		return this.clock.instant().isBefore(expiry) ? null : "Token has expired";
	}

	private Optional<String> answer(String path) {
		if (path.startsWith(DEFINITIONS) && path.endsWith("/latestExport")) {
			String ref = between(path, DEFINITIONS, "/latestExport");
			FakeAudienceExport export = this.exports.get(ref);
			return Optional.ofNullable(export)
				.flatMap(FakeAudienceExport::latestSuccessfulJob)
				.map((job) -> JSONObjectUtils.toJSONString(job.output(fileBaseUrl().toString(), ref)));
		}
		if (path.startsWith(DEFINITIONS) && path.endsWith("/reports")) {
			FakeAudienceExport export = this.exports.get(between(path, DEFINITIONS, "/reports"));
			// Object by object: JSONArrayUtils.toJSONString is missing from the Nimbus
			// version that comes with Spring Security 6.5.
			return Optional.ofNullable(export)
				.map((found) -> found.jobs()
					.stream()
					.map((job) -> JSONObjectUtils.toJSONString(job.report()))
					.collect(Collectors.joining(",", "[", "]")));
		}
		if (path.startsWith(EXECUTIONS) && path.endsWith("/export")) {
			String executionRef = between(path, EXECUTIONS, "/export");
			return findJob(executionRef).map((found) -> JSONObjectUtils
				.toJSONString(found.job().output(fileBaseUrl().toString(), found.export().definitionRef())));
		}
		return Optional.empty();
	}

	private static String cdpError(int status, String developerMessage) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("status", (status == 401) ? "UNAUTHORIZED" : status);
		error.put("code", status);
		error.put("message", (status == 401) ? "Unauthorized" : (status == 404) ? "Not Found" : "Error");
		error.put("developerMessage", developerMessage);
		error.put("moreInfoUrl", "https://doc.sitecore.com/cdp");
		return JSONObjectUtils.toJSONString(error);
	}

	// File host

	private Publisher<Void> file(HttpServerRequest request, HttpServerResponse response) {
		return record(Kind.FILE, request).flatMap((body) -> {
			if (request.requestHeaders().contains("Authorization")) {
				return sendXml(response, 400, "InvalidArgument",
						"Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter should be specified");
			}
			QueryStringDecoder uri = new QueryStringDecoder(request.uri());
			String[] parts = uri.path().split("/");
			if (parts.length != 4 || !parts[1].equals("exports") || !parts[3].endsWith(".jsonl.gz")) {
				return sendXml(response, 404, "NoSuchKey", "The specified key does not exist.");
			}
			Optional<JobOfExport> found = findJob(parts[2]);
			int index = parseIndex(parts[3]);
			if (found.isEmpty() || index < 0 || index >= found.get().job().files().size()) {
				return sendXml(response, 404, "NoSuchKey", "The specified key does not exist.");
			}
			FakeExportJob job = found.get().job();
			String rawQuery = request.uri().substring(request.uri().indexOf('?') + 1);
			if (!("?" + rawQuery).equals(job.signedQuery(index))) {
				return sendXml(response, 403, "SignatureDoesNotMatch",
						"The request signature we calculated does not match the signature you provided.");
			}
			if (!this.clock.instant().isBefore(job.expireAt())) {
				return sendXml(response, 403, "AccessDenied", "Request has expired");
			}
			byte[] content = job.files().get(index).gzipped();
			return response.status(200)
				.header("Content-Type", "application/gzip")
				.header("Content-Length", String.valueOf(content.length))
				.sendByteArray(Mono.just(content))
				.then();
		});
	}

	private static Mono<Void> sendXml(HttpServerResponse response, int status, String code, String message) {
		String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
				+ "</Message></Error>";
		return response.status(status).header("Content-Type", "application/xml").sendString(Mono.just(body)).then();
	}

	// Plumbing

	private Mono<String> record(Kind kind, HttpServerRequest request) {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		request.requestHeaders()
			.forEach((header) -> headers.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), (k) -> new ArrayList<>())
				.add(header.getValue()));
		return request.receive().aggregate().asString().defaultIfEmpty("").doOnNext((body) -> this.journal
			.add(new RecordedCdpRequest(kind, request.method().name(), request.uri(), headers, body)));
	}

	private static Mono<Void> send(HttpServerResponse response, int status, String json, Duration delay) {
		Mono<Void> answer = response.status(status)
			.header("Content-Type", "application/json")
			.sendString(Mono.just(json))
			.then();
		return delay.isZero() ? answer : Mono.delay(delay).then(answer);
	}

	private Optional<JobOfExport> findJob(String executionRef) {
		for (FakeAudienceExport export : this.exports.values()) {
			for (FakeExportJob job : export.jobs()) {
				if (job.executionRef().equals(executionRef)) {
					return Optional.of(new JobOfExport(export, job));
				}
			}
		}
		return Optional.empty();
	}

	private static @Nullable String first(Map<String, List<String>> form, String name) {
		List<String> values = form.get(name);
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	private static String between(String path, String prefix, String suffix) {
		return path.substring(prefix.length(), path.length() - suffix.length());
	}

	private static int parseIndex(String fileName) {
		try {
			return Integer.parseInt(fileName.substring(0, fileName.indexOf('.')));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private record JobOfExport(FakeAudienceExport export, FakeExportJob job) {
	}

}

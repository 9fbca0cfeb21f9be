package io.github.sitecorecdp.fake;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

import io.github.sitecorecdp.fake.FakeBatch.FailedRecord;
import io.github.sitecorecdp.fake.FakeTokenEndpoint.TokenState;
import io.github.sitecorecdp.fake.RecordedCdpRequest.Kind;

/**
 * The runnable fake's control API: a small HTTP server on loopback, on a port of its own,
 * that lets a test or a person steer a {@link FakeSitecoreCdp} in another JVM (revoke
 * tokens, script failures, read the journal). Each endpoint is one entry of
 * {@link #endpoints()} and one method; {@code GET /} lists them.
 * <p>
 * It lists issued tokens in full: they are the fake's own, worthless anywhere else. It
 * logs nothing.
 *
 * @author sitecore-cdp-spring-boot
 */
final class FakeControlApi implements AutoCloseable {

	private final FakeSitecoreCdp cdp;

	private final List<Endpoint> endpoints;

	private final DisposableServer server;

	FakeControlApi(FakeSitecoreCdp cdp, int port) {
		this.cdp = cdp;
		this.endpoints = endpoints();
		this.server = HttpServer.create().host("127.0.0.1").port(port).route(this::route).bindNow();
	}

	URI baseUrl() {
		return URI.create("http://127.0.0.1:" + this.server.port());
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

	/**
	 * The endpoints. A control of the fake becomes an endpoint here with one line and one
	 * method.
	 */
	private List<Endpoint> endpoints() {
		return List.of(new Endpoint("GET", "/", "this list", this::help),
				new Endpoint("GET", "/properties", "the sitecore.cdp.* properties that point an application here",
						this::properties),
				new Endpoint("GET", "/tokens",
						"every token issued, in full (the fake's own, worthless elsewhere), with its API key, state "
								+ "(valid, expired, revoked), expiry and, once revoked, when",
						this::tokens),
				new Endpoint("POST", "/tokens/revoke", "revoke every token, or ?token=T that one", this::revokeTokens),
				new Endpoint("POST", "/tokens/expire", "let every token expire now", this::expireTokens),
				new Endpoint("POST", "/token-endpoint/fail",
						"?count=N&status=S: answer the next N token requests with status S (default 1, 503)",
						this::failTokenRequests),
				new Endpoint("POST", "/api/fail",
						"?count=N&status=S: answer the next N API requests with status S (default 1, 503), "
								+ "not those of the Batch API",
						this::failApiRequests),
				new Endpoint("GET", "/requests",
						"the journal: kind, method, path, status, API key, client address:port and User-Agent of every "
								+ "request since the last reset",
						this::requests),
				new Endpoint("GET", "/batches", "the Batch API's batches: ref, status, records, failed records",
						this::batches),
				new Endpoint("GET", "/events",
						"the Stream API's events: each browser ref's messages in arrival order (?browser=REF one), "
								+ "their count, event requests received, and messages dropped for a wrong point of sale",
						this::events),
				new Endpoint("POST", "/batches/refuse",
						"?containing=TEXT&code=C&message=M: refuse, in batches uploaded from now on, every record "
								+ "whose line contains TEXT, logged with code C (default 400) and message M",
						this::refuseBatchRecords),
				new Endpoint("POST", "/reset",
						"forget the journal, scripted failures and batches; keep issued tokens and fixtures",
						this::reset));
	}

	// Endpoints

	private Reply help(Query query) {
		StringBuilder text = new StringBuilder("Control API of the fake Sitecore CDP\n");
		this.endpoints.forEach((endpoint) -> text.append(String.format(Locale.ROOT, "%-5s %-21s %s%n", endpoint.method(),
				endpoint.path(), endpoint.description())));
		return Reply.text(text.toString());
	}

	private Reply properties(Query query) {
		StringBuilder text = new StringBuilder();
		this.cdp.programProperties().forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
		return Reply.text(text.toString());
	}

	private Reply tokens(Query query) {
		return Reply.json(this.cdp.tokenEndpoint().tokenStates().stream().map(FakeControlApi::tokenJson).toList());
	}

	private Reply revokeTokens(Query query) {
		String token = query.value("token");
		if (token == null) {
			this.cdp.revokeTokens();
		}
		else {
			this.cdp.tokenEndpoint().revoke(token);
		}
		return Reply.json(Map.of("revoked", (token != null) ? "one" : "all"));
	}

	private Reply expireTokens(Query query) {
		this.cdp.expireTokens();
		return Reply.json(Map.of("expired", "all"));
	}

	private Reply failTokenRequests(Query query) {
		int count = query.count();
		int status = query.status();
		this.cdp.failNextTokenRequests(count, status);
		return Reply.json(fields("tokenRequestsToFail", count, "status", status));
	}

	private Reply failApiRequests(Query query) {
		int count = query.count();
		int status = query.status();
		this.cdp.failNextApiRequests(count, status);
		return Reply.json(fields("apiRequestsToFail", count, "status", status));
	}

	private Reply requests(Query query) {
		return Reply.json(this.cdp.requests().stream().map(this::requestJson).toList());
	}

	private Reply batches(Query query) {
		return Reply.json(this.cdp.api().batches().batches().stream().map(FakeControlApi::batchJson).toList());
	}

	private Reply events(Query query) {
		FakeStreamApi streams = this.cdp.api().streams();
		String browser = query.value("browser");
		Map<String, List<String>> byBrowser = (browser != null) ? Map.of(browser, streams.events(browser))
				: streams.eventsByBrowser();
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("count", byBrowser.values().stream().mapToInt(List::size).sum());
		json.put("requests", streams.eventRequests());
		json.put("browsers", byBrowser);
		json.put("droppedForPointOfSale", streams.dropped());
		return Reply.json(json);
	}

	private Reply refuseBatchRecords(Query query) {
		String containing = query.value("containing");
		if (containing == null || containing.isEmpty()) {
			throw new IllegalArgumentException("containing is required: the text that marks a record to refuse");
		}
		int code = query.number("code", 400, 100, 999);
		String message = query.value("message");
		String logged = (message != null) ? message : "Refused by the fake's control API";
		this.cdp.api().batches().refuseRecords((record) -> record.contains(containing), code, logged);
		return Reply.json(fields("refusing", containing, "code", code));
	}

	private Reply reset(Query query) {
		this.cdp.reset();
		return Reply.json(Map.of("reset", true));
	}

	// JSON of the fake's records

	private static Map<String, Object> tokenJson(TokenState token) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("token", token.token());
		json.put("apiKey", token.apiKey());
		json.put("state", token.state());
		json.put("expiresAt", (token.expiresAt() != null) ? token.expiresAt().toString() : null);
		if (token.revokedAt() != null) {
			json.put("revokedAt", token.revokedAt().toString());
		}
		json.put("fingerprint", fingerprint(token.token()));
		return json;
	}

	private Map<String, Object> requestJson(RecordedCdpRequest request) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("kind", request.kind().name());
		json.put("method", request.method());
		json.put("path", request.path());
		json.put("status", request.status());
		json.put("apiKey", apiKeyOf(request));
		// Which JVM sent it, when one fake serves several: the connection's address and port,
		// and the client's own name.
		json.put("client", request.client());
		json.put("userAgent", request.header("User-Agent"));
		String token = request.bearerToken();
		json.put("tokenFingerprint", (token != null) ? fingerprint(token) : null);
		return json;
	}

	/**
	 * A token's fingerprint as the starter logs it (the first 4 bytes of its SHA-256, in
	 * hex), so that a journal entry can be matched to an application's log line.
	 */
	static String fingerprint(String token) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
		}
	}

	/** Which key a request used: the form's for a token request, its token's for an API call. */
	private @Nullable String apiKeyOf(RecordedCdpRequest request) {
		if (request.kind() == Kind.TOKEN) {
			return request.form().get("client_id");
		}
		return this.cdp.tokenEndpoint().apiKeyOf(request.bearerToken()).orElse(null);
	}

	private static Map<String, Object> batchJson(FakeBatch batch) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("ref", batch.ref());
		json.put("status", batch.status());
		json.put("records", batch.records());
		json.put("failedRecords", batch.failedRecords().stream().map(FakeControlApi::failedJson).toList());
		return json;
	}

	private static Map<String, Object> failedJson(FailedRecord failed) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("ref", failed.ref());
		json.put("code", failed.code());
		json.put("message", failed.message());
		return json;
	}

	/** A JSON object whose fields keep their order. */
	private static Map<String, Object> fields(String name, Object value, String otherName, Object otherValue) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put(name, value);
		json.put(otherName, otherValue);
		return json;
	}

	// HTTP

	private void route(HttpServerRoutes routes) {
		for (Endpoint endpoint : this.endpoints) {
			if (endpoint.method().equals("GET")) {
				routes.get(endpoint.path(), (request, response) -> serve(endpoint, request.uri(), request.receive().then(),
						response));
			}
			else {
				routes.post(endpoint.path(), (request, response) -> serve(endpoint, request.uri(),
						request.receive().then(), response));
			}
		}
	}

	private static Mono<Void> serve(Endpoint endpoint, String uri, Mono<Void> bodyRead,
			HttpServerResponse response) {
		return bodyRead.then(Mono.fromSupplier(() -> answer(endpoint, uri))).flatMap((reply) -> {
			byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
			return response.status(reply.status())
				.header("Content-Type", reply.contentType())
				.header("Content-Length", String.valueOf(body.length))
				.sendByteArray(Mono.just(body))
				.then();
		});
	}

	private static Reply answer(Endpoint endpoint, String uri) {
		try {
			return endpoint.handler().apply(new Query(new QueryStringDecoder(uri).parameters()));
		}
		catch (IllegalArgumentException ex) {
			return new Reply(400, "application/json", Json.write(Map.of("error", String.valueOf(ex.getMessage()))));
		}
	}

	/**
	 * One endpoint of the control API.
	 *
	 * @param method {@code GET} or {@code POST}
	 * @param path the path
	 * @param description what it does, for {@code GET /}
	 * @param handler its answer
	 */
	private record Endpoint(String method, String path, String description, Function<Query, Reply> handler) {
	}

	/**
	 * The query parameters of a control request.
	 *
	 * @param parameters the parameters
	 */
	private record Query(Map<String, List<String>> parameters) {

		@Nullable String value(String name) {
			List<String> values = this.parameters.get(name);
			return (values != null && !values.isEmpty()) ? values.get(0) : null;
		}

		int count() {
			return number("count", 1, 1, 1_000_000);
		}

		int status() {
			return number("status", 503, 100, 599);
		}

		int number(String name, int fallback, int min, int max) {
			String value = value(name);
			if (value == null) {
				return fallback;
			}
			try {
				int number = Integer.parseInt(value);
				if (number >= min && number <= max) {
					return number;
				}
			}
			catch (NumberFormatException ex) {
				// Reported below, with the parameter's name.
			}
			throw new IllegalArgumentException(name + "=" + value + " is not a number from " + min + " to " + max);
		}

	}

	/**
	 * What the control API sends back.
	 *
	 * @param status the HTTP status
	 * @param contentType the content type
	 * @param body the body
	 */
	private record Reply(int status, String contentType, String body) {

		static Reply json(Object value) {
			return new Reply(200, "application/json", Json.write(value));
		}

		static Reply text(String text) {
			return new Reply(200, "text/plain; charset=utf-8", text);
		}

	}

}

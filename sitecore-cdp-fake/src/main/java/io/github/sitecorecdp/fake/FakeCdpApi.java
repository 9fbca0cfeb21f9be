package io.github.sitecorecdp.fake;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import io.github.sitecorecdp.fake.LoopbackServer.Answer;
import io.github.sitecorecdp.fake.RecordedCdpRequest.Kind;

/**
 * A fake of Sitecore CDP's REST API on loopback. Every request needs a bearer token that
 * its {@link FakeTokenEndpoint} issued and that has neither expired nor been revoked,
 * else {@code 401} with CDP's error body, as Sitecore answers. It serves the Audience
 * export API from fixtures ({@link #audienceExport}), with the files on its
 * {@link #fileHost() file host}, and any other path from {@link #stub stubs}; anything
 * else gets {@code 404}.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class FakeCdpApi implements AutoCloseable {

	private static final String DEFINITIONS = "/v2/audienceExports/definitions/";

	private static final String EXECUTIONS = "/v2/audienceExports/executions/";

	private static final Predicate<String> NO_TOKEN = (token) -> false;

	private final FakeTokenEndpoint tokens;

	private final Clock clock;

	private final Journal journal;

	private final LoopbackServer server;

	private final FakeFileHost fileHost;

	private final FakeBatches batches;

	private final FakeFlows flows = new FakeFlows();

	private final Map<String, FakeAudienceExport> exports = new ConcurrentHashMap<>();

	private final Map<String, Function<RecordedCdpRequest, String>> stubs = new ConcurrentHashMap<>();

	private final Queue<Integer> scriptedStatuses = new ConcurrentLinkedQueue<>();

	private volatile Predicate<String> refusedTokens = NO_TOKEN;

	private final FakeStreamApi streams;

	private volatile Duration delay = Duration.ZERO;

	private volatile String audience = FakeTokenEndpoint.AUDIENCE;

	FakeCdpApi(FakeTokenEndpoint tokens, Clock clock, @Nullable FakeTls tls, Journal journal, int port,
			int filePort) {
		this.tokens = tokens;
		this.clock = clock;
		this.journal = journal;
		// Asked only when a batch is announced, long after construction.
		this.batches = new FakeBatches(clock, this::fileBaseUrl);
		this.streams = new FakeStreamApi();
		this.fileHost = new FakeFileHost(clock, tls, journal, this::findJob, this.batches, filePort);
		try {
			this.server = new LoopbackServer(Kind.API, journal, tls, port, (request, body) -> answer(request));
		}
		catch (RuntimeException ex) {
			this.fileHost.close();
			throw ex;
		}
	}

	/**
	 * Start an API on a free loopback port that accepts the tokens of the given endpoint,
	 * with the system clock.
	 * @param tokens the token endpoint whose tokens it accepts
	 * @return the running API
	 */
	public static FakeCdpApi start(FakeTokenEndpoint tokens) {
		return start(tokens, Clock.systemUTC(), null);
	}

	/**
	 * Start an API that judges file-URL expiry by the given clock and serves HTTPS with the
	 * given certificate.
	 * @param tokens the token endpoint whose tokens it accepts
	 * @param clock the clock
	 * @param tls the server certificate, or {@code null} for plain HTTP
	 * @return the running API
	 */
	public static FakeCdpApi start(FakeTokenEndpoint tokens, Clock clock, @Nullable FakeTls tls) {
		return new FakeCdpApi(tokens, clock, tls, new Journal(), 0, 0);
	}

	/**
	 * Return the API's base URL, for {@code sitecore.cdp.base-url}.
	 * @return the base URL
	 */
	public URI baseUrl() {
		return this.server.baseUrl();
	}

	/**
	 * Return the Stream API of this API host, to inspect the events it recorded and steer
	 * its faults.
	 * @return the Stream API
	 */
	public FakeStreamApi streams() {
		return this.streams;
	}

	/**
	 * Return the Batch API of this API host, to set its credentials and inspect or steer
	 * its batches.
	 * @return the batches
	 */
	public FakeBatches batches() {
		return this.batches;
	}

	/**
	 * Return Personalize's flow execution, to script flows and read the calls received.
	 * @return the flows
	 */
	public FakeFlows flows() {
		return this.flows;
	}

	/**
	 * Return the host that serves this API's export files.
	 * @return the file host
	 */
	public FakeFileHost fileHost() {
		return this.fileHost;
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
	 * Answer requests to a path, whatever their method, with {@code 200} and this JSON
	 * (after the token check). A path ending in {@code /**} matches every path below it.
	 * @param path the path, such as {@code /v2/guests} or {@code /v2/guests/**}
	 * @param json the answer's body
	 * @return this API
	 */
	public FakeCdpApi stub(String path, String json) {
		return stub(path, (request) -> json);
	}

	/**
	 * Answer requests to a path, whatever their method, with {@code 200} and the JSON the
	 * function makes of each request (after the token check). A path ending in {@code /**}
	 * matches every path below it.
	 * @param path the path, such as {@code /v2/guests} or {@code /v2/guests/**}
	 * @param answer makes the answer's body from the request
	 * @return this API
	 */
	public FakeCdpApi stub(String path, Function<RecordedCdpRequest, String> answer) {
		this.stubs.put(path, answer);
		return this;
	}

	/**
	 * Return the presigned URL of one of a job's files, as the API hands it out.
	 * @param job a job of one of this API's exports
	 * @param index the file's position in the job, from 0
	 * @return the file's URL on the {@link #fileHost() file host}
	 */
	public URI fileUrl(FakeExportJob job, int index) {
		return URI.create(this.fileHost.baseUrl() + job.presignedPath(index));
	}

	/**
	 * Set the audience this API serves (default {@code https://api.sitecorecloud.io}, as
	 * Sitecore CDP's): tokens issued for another audience get {@code 401}.
	 * @param audience the audience
	 * @return this API
	 */
	public FakeCdpApi servesAudience(String audience) {
		this.audience = audience;
		return this;
	}

	// Controls

	/**
	 * Answer the next requests with this status and CDP's error body, whatever their token.
	 * @param count how many requests
	 * @param status the HTTP status, for example 503, 401 or 400
	 * @return this API
	 */
	public FakeCdpApi failNextApiRequests(int count, int status) {
		for (int i = 0; i < count; i++) {
			this.scriptedStatuses.add(status);
		}
		return this;
	}

	/**
	 * Answer the next requests with these statuses, in order: a {@code 2xx} status means
	 * the request is served as usual, any other gets CDP's error body whatever its token.
	 * @param statuses the statuses
	 * @return this API
	 */
	public FakeCdpApi answerNextWith(int... statuses) {
		for (int status : statuses) {
			this.scriptedStatuses.add(status);
		}
		return this;
	}

	/**
	 * Also refuse, with {@code 401}, valid tokens that match: for an API key that lacks
	 * the permission, or an API that stops accepting tokens.
	 * @param which the tokens to refuse
	 * @return this API
	 */
	public FakeCdpApi refuseTokens(Predicate<String> which) {
		this.refusedTokens = which;
		return this;
	}

	/**
	 * Answer API requests this much later.
	 * @param delay the delay
	 * @return this API
	 */
	public FakeCdpApi delayApiResponses(Duration delay) {
		this.delay = delay;
		return this;
	}

	/**
	 * Undo what a test changes in the API's behaviour: forget its journal and its file
	 * host's, the scripted statuses, the refused tokens and the delay. Fixtures and stubs
	 * are kept.
	 */
	public void reset() {
		this.journal.clear(Kind.API);
		this.fileHost.reset();
		this.scriptedStatuses.clear();
		this.refusedTokens = NO_TOKEN;
		this.delay = Duration.ZERO;
		this.batches.reset();
		this.streams.reset();
		this.flows.reset();
	}

	// Journal

	/**
	 * Return the API requests received, oldest first.
	 * @return the requests
	 */
	public List<RecordedCdpRequest> requests() {
		return this.journal.of(Kind.API);
	}

	/**
	 * Return how many API requests were received.
	 * @return the count
	 */
	public int requestCount() {
		return requests().size();
	}

	@Override
	public void close() {
		this.server.close();
		this.fileHost.close();
	}

	private Answer answer(RecordedCdpRequest request) {
		// The client key in the body, no bearer token: checked by the flow endpoint itself.
		Answer flow = this.flows.answer(request);
		if (flow != null) {
			return flow;
		}
		// Basic credentials, not the bearer token: checked by the Batch API itself.
		Answer batch = this.batches.api(request);
		if (batch != null) {
			return batch;
		}
		// The client key, in the query: checked by the Stream API itself.
		Answer stream = this.streams.api(request);
		if (stream != null) {
			return stream;
		}
		Integer scripted = this.scriptedStatuses.poll();
		if (scripted != null && (scripted < 200 || scripted > 299)) {
			return Answer.json(scripted, cdpError(scripted, "Injected failure"), this.delay);
		}
		String rejection = checkToken(request.bearerToken());
		if (rejection != null) {
			return Answer.json(401, cdpError(401, rejection), this.delay);
		}
		String path = request.path();
		Optional<String> answer = request.method().equals("GET") ? exportAnswer(path) : Optional.empty();
		if (answer.isEmpty()) {
			answer = stubFor(path).map((stub) -> stub.apply(request));
		}
		return answer.map((json) -> Answer.json(200, json, this.delay))
			.orElseGet(() -> Answer.json(404, cdpError(404, "No resource at " + path), this.delay));
	}

	private @Nullable String checkToken(@Nullable String token) {
		if (token == null) {
			return "Missing bearer token";
		}
		String rejection = this.tokens.rejectionOf(token, this.audience);
		if (rejection == null && this.refusedTokens.test(token)) {
			return "Token not accepted by this API";
		}
		return rejection;
	}

	private Optional<Function<RecordedCdpRequest, String>> stubFor(String path) {
		Function<RecordedCdpRequest, String> exact = this.stubs.get(path);
		if (exact != null) {
			return Optional.of(exact);
		}
		return this.stubs.entrySet()
			.stream()
			.filter((stub) -> stub.getKey().endsWith("/**")
					&& path.startsWith(stub.getKey().substring(0, stub.getKey().length() - 2)))
			.map(Map.Entry::getValue)
			.findFirst();
	}

	private Optional<String> exportAnswer(String path) {
		String fileBaseUrl = this.fileHost.baseUrl().toString();
		if (path.startsWith(DEFINITIONS) && path.endsWith("/latestExport")) {
			String ref = between(path, DEFINITIONS, "/latestExport");
			return Optional.ofNullable(this.exports.get(ref))
				.flatMap(FakeAudienceExport::latestSuccessfulJob)
				.map((job) -> Json.write(job.output(fileBaseUrl, ref)));
		}
		if (path.startsWith(DEFINITIONS) && path.endsWith("/reports")) {
			return Optional.ofNullable(this.exports.get(between(path, DEFINITIONS, "/reports"))).map((export) -> {
				List<Object> reports = new ArrayList<>();
				export.jobs().forEach((job) -> reports.add(job.report()));
				return Json.write(reports);
			});
		}
		if (path.startsWith(EXECUTIONS) && path.endsWith("/export")) {
			return findJob(between(path, EXECUTIONS, "/export"))
				.map((job) -> Json.write(job.output(fileBaseUrl, job.definitionRef())));
		}
		return Optional.empty();
	}

	private String fileBaseUrl() {
		return this.fileHost.baseUrl().toString();
	}

	private Optional<FakeExportJob> findJob(String executionRef) {
		for (FakeAudienceExport export : this.exports.values()) {
			for (FakeExportJob job : export.jobs()) {
				if (job.executionRef().equals(executionRef)) {
					return Optional.of(job);
				}
			}
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
		return Json.write(error);
	}

	private static String between(String path, String prefix, String suffix) {
		return path.substring(prefix.length(), path.length() - suffix.length());
	}

}

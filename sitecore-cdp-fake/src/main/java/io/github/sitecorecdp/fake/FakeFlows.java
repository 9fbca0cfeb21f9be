package io.github.sitecorecdp.fake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.github.sitecorecdp.fake.LoopbackServer.Answer;

/**
 * Personalize's flow execution, {@code POST /v2/callFlows}: answers each flow, by its
 * {@code friendlyId}, with a scripted body, delay, failure or connection reset, after
 * the checks Sitecore makes (the client key, a friendly id, exactly one of
 * {@code browserId}, {@code email} or {@code identifiers}; {@code 400} otherwise).
 *
 * <p>
 * The fake has no JSON parser: the checks read the body's keys with patterns, which
 * holds for the flat bodies clients send, where {@code params} comes last.
 */
public final class FakeFlows {

	/** The client key the fake accepts unless told another. */
	public static final String CLIENT_KEY = "fake-client-key";

	static final String PATH = "/v2/callFlows";

	private static final Pattern FRIENDLY_ID = stringField("friendlyId");

	private static final Pattern CLIENT_KEY_FIELD = stringField("clientKey");

	private final Map<String, Script> scripts = new ConcurrentHashMap<>();

	private final List<Call> calls = new ArrayList<>();

	private volatile String clientKey = CLIENT_KEY;

	FakeFlows() {
	}

	/**
	 * Answer a flow with this JSON, at once.
	 * @param friendlyId the flow
	 * @param json the flow's answer
	 * @return these flows
	 */
	public FakeFlows answer(String friendlyId, String json) {
		script(friendlyId).json = json;
		return this;
	}

	/**
	 * Answer a flow this much later.
	 * @param friendlyId the flow
	 * @param delay the delay
	 * @return these flows
	 */
	public FakeFlows delay(String friendlyId, Duration delay) {
		script(friendlyId).delay = delay;
		return this;
	}

	/**
	 * Answer the next calls of a flow with this status, then serve it again.
	 * @param friendlyId the flow
	 * @param count how many calls, or {@link Integer#MAX_VALUE} for all
	 * @param status the status, such as 503
	 * @return these flows
	 */
	public FakeFlows failNext(String friendlyId, int count, int status) {
		Script script = script(friendlyId);
		script.failures.set(count);
		script.failureStatus = status;
		return this;
	}

	/**
	 * Reset the connection of the next calls of a flow, without an answer.
	 * @param friendlyId the flow
	 * @param count how many calls
	 * @return these flows
	 */
	public FakeFlows resetNext(String friendlyId, int count) {
		script(friendlyId).resets.set(count);
		return this;
	}

	/**
	 * Accept another client key.
	 * @param clientKey the client key
	 * @return these flows
	 */
	public FakeFlows clientKey(String clientKey) {
		this.clientKey = clientKey;
		return this;
	}

	/**
	 * Return the calls received, oldest first, with the status each got.
	 * @return the calls
	 */
	public List<Call> calls() {
		synchronized (this.calls) {
			return List.copyOf(this.calls);
		}
	}

	/**
	 * Return how many calls of a flow were received.
	 * @param friendlyId the flow
	 * @return the count
	 */
	public long callCount(String friendlyId) {
		return calls().stream().filter((call) -> friendlyId.equals(call.friendlyId())).count();
	}

	/**
	 * Return how many calls got no decision: a failure status, a reset, or a 400.
	 * @return the count
	 */
	public long refusals() {
		return calls().stream().filter((call) -> call.status() != 200).count();
	}

	void reset() {
		this.scripts.clear();
		synchronized (this.calls) {
			this.calls.clear();
		}
		this.clientKey = CLIENT_KEY;
	}

	@Nullable Answer answer(RecordedCdpRequest request) {
		if (!request.path().equals(PATH)) {
			return null;
		}
		String body = request.body();
		String friendlyId = value(FRIENDLY_ID, body);
		Answer answer = answer(friendlyId, body, request.method());
		synchronized (this.calls) {
			this.calls.add(new Call(friendlyId, body, answer.reset() ? 0 : answer.status()));
		}
		return answer;
	}

	private Answer answer(@Nullable String friendlyId, String body, String method) {
		if (!method.equals("POST")) {
			return Answer.json(405, error(405, "Use POST"), Duration.ZERO);
		}
		String key = value(CLIENT_KEY_FIELD, body);
		if (key == null || !key.equals(this.clientKey)) {
			return Answer.json(400, error(400, "Invalid or missing clientKey"), Duration.ZERO);
		}
		if (friendlyId == null || friendlyId.isBlank()) {
			return Answer.json(400, error(400, "friendlyId is required"), Duration.ZERO);
		}
		int identities = (has(body, "browserId") ? 1 : 0) + (has(body, "email") ? 1 : 0)
				+ (has(body, "identifiers") ? 1 : 0);
		if (identities != 1) {
			return Answer.json(400, error(400, "Exactly one of browserId, email or identifiers is required"),
					Duration.ZERO);
		}
		Script script = this.scripts.get(friendlyId);
		if (script == null) {
			return Answer.json(200, "{}", Duration.ZERO);
		}
		if (script.resets.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
			return Answer.connectionReset(0, Duration.ZERO);
		}
		if (script.failures.getAndUpdate((n) -> (n == Integer.MAX_VALUE) ? n : Math.max(0, n - 1)) > 0) {
			return Answer.json(script.failureStatus, error(script.failureStatus, "Scripted failure"), script.delay);
		}
		return Answer.json(200, script.json, script.delay);
	}

	private Script script(String friendlyId) {
		return this.scripts.computeIfAbsent(friendlyId, (id) -> new Script());
	}

	private static boolean has(String body, String key) {
		String beforeParams = body.contains("\"params\"") ? body.substring(0, body.indexOf("\"params\"")) : body;
		return beforeParams.contains("\"" + key + "\"");
	}

	private static @Nullable String value(Pattern field, String body) {
		Matcher matcher = field.matcher(body);
		return matcher.find() ? matcher.group(1) : null;
	}

	private static Pattern stringField(String name) {
		return Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"");
	}

	private static String error(int status, String message) {
		return Json.write(Map.of("status", status, "code", status, "message", message));
	}

	/**
	 * One call received.
	 *
	 * @param friendlyId the flow, when the body named one
	 * @param body the request body
	 * @param status the status answered, 0 for a reset connection
	 */
	public record Call(@Nullable String friendlyId, String body, int status) {

	}

	private static final class Script {

		volatile String json = "{}";

		volatile Duration delay = Duration.ZERO;

		final AtomicInteger failures = new AtomicInteger();

		volatile int failureStatus = 503;

		final AtomicInteger resets = new AtomicInteger();

	}

}

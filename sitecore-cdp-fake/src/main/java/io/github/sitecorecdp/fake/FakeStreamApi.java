package io.github.sitecorecdp.fake;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.sitecorecdp.fake.LoopbackServer.Answer;
import org.jspecify.annotations.Nullable;

/**
 * The fake's Stream API: {@code GET /v1.2/browser/create.json} creates browser refs and
 * {@code GET /v1.2/event/create.json} records each event's message per browser ref, in
 * arrival order. Validates as Sitecore does: a wrong client key is {@code 401}, a missing
 * {@code browser_id} or {@code type} {@code 400}, an unknown browser {@code 404}, and a
 * wrong point of sale is answered {@code 201} but the event is dropped, as Sitecore
 * drops it silently; here it is {@link #dropped() flagged}. Fields are read from the
 * message's first occurrence of each key, which is enough for a fake.
 */
public final class FakeStreamApi {

	/** The point of sale the fake accepts unless told another. */
	public static final String POINT_OF_SALE = "fake-pos";

	private static final String BROWSER_CREATE = "/v1.2/browser/create.json";

	private static final String EVENT_CREATE = "/v1.2/event/create.json";

	private final AtomicInteger refs = new AtomicInteger();

	private final Set<String> browsers = ConcurrentHashMap.newKeySet();

	private final Map<String, List<String>> events = new ConcurrentHashMap<>();

	private final List<String> dropped = new CopyOnWriteArrayList<>();

	private final ConcurrentLinkedQueue<Answer> scripted = new ConcurrentLinkedQueue<>();

	private final AtomicInteger eventRequests = new AtomicInteger();

	private volatile @Nullable Integer failAlways;

	private volatile Duration delay = Duration.ZERO;

	private volatile String clientKey = FakeBatches.CLIENT_KEY;

	private volatile String pointOfSale = POINT_OF_SALE;

	FakeStreamApi() {
	}

	/**
	 * Return the events of a browser ref, each message's JSON, in arrival order.
	 * @param browserRef the browser ref
	 * @return the messages
	 */
	public List<String> events(String browserRef) {
		return List.copyOf(this.events.getOrDefault(browserRef, List.of()));
	}

	/**
	 * Return every recorded event's message.
	 * @return the messages, grouped by browser ref
	 */
	public List<String> allEvents() {
		List<String> all = new ArrayList<>();
		this.events.values().forEach(all::addAll);
		return all;
	}

	/**
	 * Return every recorded event's message by browser ref, each browser's in arrival
	 * order.
	 * @return the messages of each browser ref
	 */
	public Map<String, List<String>> eventsByBrowser() {
		Map<String, List<String>> copy = new TreeMap<>();
		this.events.forEach((ref, messages) -> copy.put(ref, List.copyOf(messages)));
		return copy;
	}

	/**
	 * Return the messages answered 201 but dropped for a wrong point of sale.
	 * @return the messages
	 */
	public List<String> dropped() {
		return List.copyOf(this.dropped);
	}

	/**
	 * Return how many event requests arrived, failed ones included.
	 * @return the count
	 */
	public int eventRequests() {
		return this.eventRequests.get();
	}

	/**
	 * Answer the next event requests with a status.
	 * @param count how many
	 * @param status the status
	 * @return this
	 */
	public FakeStreamApi failNext(int count, int status) {
		for (int i = 0; i < count; i++) {
			this.scripted.add(Answer.json(status, "{\"status\":" + status + "}", Duration.ZERO));
		}
		return this;
	}

	/**
	 * Answer the next event request with {@code 429} and a {@code Retry-After}.
	 * @param retryAfter the wait asked for, in whole seconds
	 * @return this
	 */
	public FakeStreamApi tooManyRequests(Duration retryAfter) {
		this.scripted.add(Answer.json(429, "{\"status\":429}", Duration.ZERO)
			.withHeader("Retry-After", Long.toString(retryAfter.toSeconds())));
		return this;
	}

	/**
	 * Answer every event request with a status until {@link #reset()}.
	 * @param status the status
	 * @return this
	 */
	public FakeStreamApi failAlways(int status) {
		this.failAlways = status;
		return this;
	}

	/**
	 * Answer Stream API requests this much later.
	 * @param delay the delay
	 * @return this
	 */
	public FakeStreamApi delay(Duration delay) {
		this.delay = delay;
		return this;
	}

	/**
	 * Take another point of sale.
	 * @param pointOfSale the point of sale
	 * @return this
	 */
	public FakeStreamApi pointOfSale(String pointOfSale) {
		this.pointOfSale = pointOfSale;
		return this;
	}

	/**
	 * Forget a browser ref, as Sitecore does with one it no longer knows: its next events
	 * are answered {@code 404}. The events recorded for it stay.
	 * @param browserRef the browser ref
	 * @return this
	 */
	public FakeStreamApi forgetBrowser(String browserRef) {
		this.browsers.remove(browserRef);
		return this;
	}

	/** Forget events, browsers and faults. */
	public void reset() {
		this.browsers.clear();
		this.events.clear();
		this.dropped.clear();
		this.scripted.clear();
		this.failAlways = null;
		this.delay = Duration.ZERO;
		this.pointOfSale = POINT_OF_SALE;
		this.clientKey = FakeBatches.CLIENT_KEY;
		this.eventRequests.set(0);
	}

	/** Answers a Stream API request, or {@code null} for other paths. */
	@Nullable Answer api(RecordedCdpRequest request) {
		String path = request.path();
		if (!path.equals(BROWSER_CREATE) && !path.equals(EVENT_CREATE)) {
			return null;
		}
		if (!this.clientKey.equals(query(request.uri(), "client_key"))) {
			return Answer.json(401, "{\"status\":\"UNAUTHORIZED\"}", this.delay);
		}
		if (path.equals(BROWSER_CREATE)) {
			String ref = "fake-browser-" + this.refs.incrementAndGet();
			this.browsers.add(ref);
			return Answer.json(200, "{\"status\":\"OK\",\"version\":\"1.2\",\"client_key\":\"" + this.clientKey
					+ "\",\"ref\":\"" + ref + "\",\"customer_ref\":\"guest-" + ref + "\"}", this.delay);
		}
		this.eventRequests.incrementAndGet();
		Answer fault = this.scripted.poll();
		if (fault != null) {
			return fault.delayed(this.delay);
		}
		Integer always = this.failAlways;
		if (always != null) {
			return Answer.json(always, "{\"status\":" + always + "}", this.delay);
		}
		String message = query(request.uri(), "message");
		String browser = field(message, "browser_id");
		if (browser == null || field(message, "type") == null) {
			return Answer.json(400, "{\"status\":400,\"message\":\"browser_id and type are required\"}", this.delay);
		}
		if (!this.browsers.contains(browser)) {
			return Answer.json(404, "{\"status\":404,\"message\":\"Unknown browser\"}", this.delay);
		}
		if (!this.pointOfSale.equals(field(message, "pos"))) {
			// Sitecore answers 201 and drops the event: flagged here, so tests can see it.
			this.dropped.add(message);
		}
		else {
			this.events.computeIfAbsent(browser, (key) -> new CopyOnWriteArrayList<>()).add(message);
		}
		return Answer.json(201, "{\"status\":\"OK\",\"version\":\"1.2\"}", this.delay);
	}

	private static @Nullable String field(@Nullable String message, String name) {
		if (message == null) {
			return null;
		}
		Matcher matcher = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(message);
		return matcher.find() ? matcher.group(1) : null;
	}

	private static @Nullable String query(String uri, String name) {
		int start = uri.indexOf('?');
		if (start < 0) {
			return null;
		}
		for (String pair : uri.substring(start + 1).split("&")) {
			int equals = pair.indexOf('=');
			if (equals > 0 && pair.substring(0, equals).equals(name)) {
				return URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
			}
		}
		return null;
	}

}

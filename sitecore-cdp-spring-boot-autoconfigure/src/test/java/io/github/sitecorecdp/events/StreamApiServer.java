package io.github.sitecorecdp.events;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback Stream API for the sender's tests: creates browser refs, records each event's
 * message per browser ref in arrival order, and misbehaves on demand (delays, failures,
 * 429 with Retry-After, a gate that holds answers back).
 */
final class StreamApiServer implements AutoCloseable {

	private static final Pattern BROWSER_ID = Pattern.compile("\"browser_id\":\"([^\"]+)\"");

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	final AtomicInteger browserRefs = new AtomicInteger();

	final AtomicInteger eventRequests = new AtomicInteger();

	final Map<String, List<String>> eventsByBrowser = new ConcurrentHashMap<>();

	final List<String> events = new CopyOnWriteArrayList<>();

	final List<Long> eventRequestNanos = new CopyOnWriteArrayList<>();

	private final AtomicInteger concurrent = new AtomicInteger();

	final AtomicInteger maxConcurrent = new AtomicInteger();

	volatile long delayMillis;

	/** Whether browser/create answers 200 with an empty body. */
	volatile boolean emptyBrowserCreate;

	/** Answers of the next event requests: a status, with Retry-After seconds after a colon. */
	final List<String> script = new CopyOnWriteArrayList<>();

	volatile CountDownLatch gate = new CountDownLatch(0);

	StreamApiServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
		this.server.setExecutor(this.executor);
		this.server.createContext("/v1.2/browser/create.json", (exchange) -> answer(exchange, 200,
				this.emptyBrowserCreate ? "" : "{\"status\":\"OK\",\"version\":\"1.2\",\"ref\":\"b-"
						+ this.browserRefs.incrementAndGet() + "\",\"customer_ref\":\"c\"}", null));
		this.server.createContext("/v1.2/event/create.json", this::event);
		this.server.start();
	}

	URI baseUrl() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

	private void event(HttpExchange exchange) throws IOException {
		this.eventRequestNanos.add(System.nanoTime());
		this.eventRequests.incrementAndGet();
		int now = this.concurrent.incrementAndGet();
		this.maxConcurrent.accumulateAndGet(now, Math::max);
		try {
			if (this.delayMillis > 0) {
				Thread.sleep(this.delayMillis);
			}
			this.gate.await(30, TimeUnit.SECONDS);
			if (!this.script.isEmpty()) {
				String[] next = this.script.remove(0).split(":");
				answer(exchange, Integer.parseInt(next[0]), "{}", (next.length > 1) ? next[1] : null);
				return;
			}
			String message = message(exchange.getRequestURI().getRawQuery());
			Matcher browser = BROWSER_ID.matcher(message);
			if (!browser.find()) {
				answer(exchange, 400, "{}", null);
				return;
			}
			this.eventsByBrowser.computeIfAbsent(browser.group(1), (k) -> new CopyOnWriteArrayList<>()).add(message);
			this.events.add(message);
			answer(exchange, 201, "{\"status\":\"OK\",\"version\":\"1.2\"}", null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.concurrent.decrementAndGet();
		}
	}

	private static String message(String query) {
		for (String pair : query.split("&")) {
			if (pair.startsWith("message=")) {
				return URLDecoder.decode(pair.substring("message=".length()), StandardCharsets.UTF_8);
			}
		}
		return "";
	}

	private static void answer(HttpExchange exchange, int status, String body, String retryAfter) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		if (retryAfter != null) {
			exchange.getResponseHeaders().add("Retry-After", retryAfter);
		}
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	/** The ext value {@code name} of each event of a browser ref, in arrival order. */
	List<String> extValues(String browserRef, String name) {
		Pattern value = Pattern.compile("\"" + name + "\":\"?([^\",}]+)");
		List<String> values = new ArrayList<>();
		for (String message : this.eventsByBrowser.getOrDefault(browserRef, List.of())) {
			Matcher matcher = value.matcher(message);
			if (matcher.find()) {
				values.add(matcher.group(1));
			}
		}
		return values;
	}

	@Override
	public void close() {
		this.gate.countDown();
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}

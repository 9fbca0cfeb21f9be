package io.github.sitecorecdp.benchmarks;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.sitecorecdp.events.CdpEvent;
import io.github.sitecorecdp.events.CdpEventSender;
import io.github.sitecorecdp.events.FlushResult;
import io.netty.channel.ChannelOption;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Sustained sending to a Stream API on loopback (issue 23: at least 0.9 of a plain
 * WebClient), events per second with {@value #IN_FLIGHT} calls in flight:
 *
 * <ul>
 * <li>{@code limit}: a plain {@code WebClient} sending the same GETs (the same
 * {@code event/create.json} URI, message and headers the sender sends), built before
 * the run, through {@code Flux.flatMap(call, 32)}: the calls alone;</li>
 * <li>{@code parsed}: the same GETs kept as text before the run, each turned into its
 * {@code java.net.URI} when it is sent: what a WebClient call of a GET that differs from
 * every other (each event's message is in its address) cannot avoid, since WebClient
 * takes a parsed {@code URI};</li>
 * <li>{@code plain}: the same plain {@code WebClient}, building each GET as an application
 * sending events itself would: the message as a string, the URI with
 * {@code UriComponentsBuilder} (the template the sender's addresses are checked against),
 * when the call is made. What an application pays without the sender;</li>
 * <li>{@code netty}: the same GETs kept as text, sent through Reactor Netty's
 * {@code HttpClient} (the one under the limit's {@code WebClient}, with the same timeouts
 * and {@code Accept} header), each body read and released: how much of a call the
 * {@code WebClient} layer itself costs, and so how much a sender could gain by going
 * round it;</li>
 * <li>{@code ours}: the auto-configured {@code cdpEventSender} (default settings:
 * {@code max-in-flight} 32, queue of 10,000), {@code send} of each event then a
 * {@code flush}, so that an operation ends when Sitecore acknowledged every event, as the
 * limit's does. Its browser refs are known (one event per visitor before the run), as in
 * steady state.</li>
 * </ul>
 *
 * Each operation sends one event for each of {@value #EVENTS} visitors, so every lane
 * holds one event and the sender may use all 32 calls. Each client runs alone in its own
 * JVM, and every JVM starts the same Spring Boot application with the starter (the sender
 * idles in the limit's), as in {@link ClientBoundWebClientBenchmark}. The Stream API is
 * {@link CannedApiServer} ({@code server=canned}), cheap enough that the client is the
 * bottleneck; {@code server=routed} ({@link BenchServer}, which routes, counts and
 * answers like Sitecore) shows it: the limit's events per second rise with the cheaper
 * server.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 8, time = 3)
@Measurement(iterations = 5, time = 3)
public class EventStreamBenchmark extends CallRecordingBenchmark {

	/** The sender's default {@code max-in-flight}. */
	static final int IN_FLIGHT = 32;

	static final int EVENTS = 1000;

	private static final String[] KEYS = Clients.visitors(EVENTS);

	/** Which client this fork measures. */
	@Param({ "limit", "parsed", "plain", "netty", "ours" })
	public String client;

	/** {@code canned}: {@link CannedApiServer}; {@code routed}: {@link BenchServer}. */
	@Param({ "canned" })
	public String server;

	private BenchServer tokens;

	private CannedApiServer api;

	private Clients.Realtime application;

	private CdpEventSender sender;

	private CdpEvent event;

	private WebClient limit;

	private URI[] uris;

	private String[] texts;

	private String baseUrl;

	private HttpClient netty;

	@Setup
	public void start() {
		this.tokens = new BenchServer(Clock.systemUTC());
		String baseUrl = this.tokens.baseUrl();
		if (this.server.equals("canned")) {
			// One answer for browser/create and event/create alike: the sender reads the ref
			// of the first and only the status of the second.
			this.api = new CannedApiServer(1, "201 Created",
					"{\"status\":\"OK\",\"version\":\"1.2\",\"ref\":\"bench-browser-1\"}");
			baseUrl = this.api.baseUrl();
		}
		// The client side's CPU time per event: while the client is the bottleneck its rate
		// follows it, and it moves less than the rate when the machine's other load does.
		this.recorder = new CallRecorder("events", this.client, IN_FLIGHT, this.server);
		this.application = Clients.realtime(this.tokens, Map.of("sitecore.cdp.base-url", baseUrl));
		this.sender = this.application.sender();
		this.event = Clients.pageView();
		this.limit = WebClient.builder()
			.clientConnector(Clients.connector())
			// The sender's client sends this too: the same request on the wire.
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.build();
		this.baseUrl = baseUrl;
		this.netty = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
			.responseTimeout(Duration.ofSeconds(30))
			.headers((headers) -> headers.set(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE));
		this.uris = new URI[EVENTS];
		this.texts = new String[EVENTS];
		for (int i = 0; i < EVENTS; i++) {
			this.uris[i] = eventUri(baseUrl, "bench-browser-" + (i + 1));
			this.texts[i] = this.uris[i].toString();
		}
		if (this.client.equals("netty")) {
			Flux.fromArray(this.texts).flatMap(this::nettyCall, IN_FLIGHT).blockLast(Duration.ofSeconds(60));
		}
		else if (this.client.equals("ours")) {
			// Browser refs known, as in steady state: the run measures events, not browser/create.
			send();
		}
		else {
			Flux.fromArray(this.uris).flatMap(this::limitCall, IN_FLIGHT).blockLast(Duration.ofSeconds(60));
		}
	}

	/**
	 * The GET the sender makes for {@link Clients#pageView()}: the message's fields in the
	 * sender's order, encoded as it encodes them.
	 */
	static URI eventUri(String baseUrl, String browserRef) {
		String message = "{\"channel\":\"WEB\",\"type\":\"VIEW\",\"language\":\"EN\",\"currency\":\"EUR\","
				+ "\"page\":\"/products/42\",\"pos\":\"" + Clients.POINT_OF_SALE + "\",\"browser_id\":\"" + browserRef
				+ "\",\"referrer\":\"https://search.example/?q=shoes\"}";
		return UriComponentsBuilder.fromUriString(baseUrl)
			.path("/v1.2/event/create.json")
			.queryParam("client_key", "{clientKey}")
			.queryParam("message", "{message}")
			.encode()
			.buildAndExpand(Clients.CLIENT_KEY, message)
			.toUri();
	}

	@TearDown
	public void stop() {
		long failed = this.sender.failedCount();
		long dropped = this.sender.droppedCount();
		this.application.close();
		if (this.api != null) {
			this.api.close();
		}
		this.tokens.close();
		if (failed > 0 || dropped > 0) {
			throw new IllegalStateException(failed + " events failed and " + dropped + " were dropped");
		}
	}

	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public long events() {
		long events = sendAll();
		this.recorder.count(EVENTS);
		return events;
	}

	private long sendAll() {
		if (this.client.equals("ours")) {
			return send();
		}
		if (this.client.equals("netty")) {
			Long count = Flux.fromArray(this.texts)
				.flatMap(this::nettyCall, IN_FLIGHT)
				.count()
				.block(Duration.ofSeconds(60));
			return (count != null) ? count : 0;
		}
		Flux<URI> calls = switch (this.client) {
			case "plain" -> Flux.range(1, EVENTS).map((i) -> eventUri(this.baseUrl, "bench-browser-" + i));
			case "parsed" -> Flux.fromArray(this.texts).map(URI::create);
			default -> Flux.fromArray(this.uris);
		};
		Long count = calls.flatMap(this::limitCall, IN_FLIGHT).count().block(Duration.ofSeconds(60));
		return (count != null) ? count : 0;
	}

	private Mono<Void> limitCall(URI uri) {
		return this.limit.get().uri(uri).retrieve().toBodilessEntity().then();
	}

	/** One GET, its body read (and so released) and its status checked, as a client must. */
	private Mono<Integer> nettyCall(String uri) {
		return this.netty.get().uri(uri).responseSingle((response, body) -> {
			int status = response.status().code();
			return body.asByteArray().then(Mono.fromCallable(() -> {
				if (status != 201) {
					throw new IllegalStateException("The API answered " + status);
				}
				return status;
			}));
		});
	}

	private long send() {
		for (String key : KEYS) {
			if (!this.sender.send(key, this.event)) {
				throw new IllegalStateException("An event was dropped");
			}
		}
		FlushResult result = this.sender.flush(Duration.ofSeconds(60));
		if (!result.completed()) {
			throw new IllegalStateException(result.remaining() + " events not acknowledged within 60 s");
		}
		return EVENTS;
	}

}

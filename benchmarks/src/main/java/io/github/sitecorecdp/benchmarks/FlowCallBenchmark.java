package io.github.sitecorecdp.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.sitecorecdp.flows.FlowClient;
import io.github.sitecorecdp.flows.FlowIdentity;
import org.openjdk.jmh.annotations.AuxCounters;
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

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Flow calls under concurrency (issue 23: {@code callFlow} at least 0.95 of a plain
 * WebClient), {@value #CONCURRENCY} calls in flight, {@value #CALLS} per operation:
 *
 * <ul>
 * <li>{@code limit}: a plain {@code WebClient} posting the same body to
 * {@code /v2/callFlows} (built before the run) and reading the same decision type;</li>
 * <li>{@code ours}: the auto-configured {@link FlowClient}'s {@code callFlow}, with its
 * deadline, circuit breaker and listeners.</li>
 * </ul>
 *
 * A call that fell back would be a shorter call, not a faster client: fallbacks are
 * counted ({@code fallbacks}, a secondary result the runner reports), and should be 0.
 * The deadline is raised from 400 ms to 10 s for this reason: on a busy 2-core machine a
 * few calls pass 400 ms, five in a row open the circuit, and from then on every call is a
 * fallback answered at once (a smoke run counted hundreds of thousands). The deadline's
 * timer is set and cancelled for every call all the same, whatever its length; that the
 * deadline holds is {@link FlowDeadline}'s to show.
 * Each client runs alone in its own JVM, every JVM starting the same Spring Boot
 * application with the starter, as in {@link ClientBoundWebClientBenchmark}. Personalize
 * is {@link CannedApiServer} ({@code server=canned}), cheap enough that the client is the
 * bottleneck; {@code server=routed} ({@link BenchServer}) shows it: the limit's calls per
 * second rise with the cheaper server.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 8, time = 3)
@Measurement(iterations = 5, time = 3)
public class FlowCallBenchmark extends CallRecordingBenchmark {

	static final int CONCURRENCY = 16;

	static final int CALLS = 1000;

	static final String FLOW = "home_offer";

	/** The decision read, as an application would. */
	public record Offer(String title, String imageUrl) {
	}

	private static final Offer FALLBACK = new Offer("Welcome", "/img/welcome.png");

	/** Which client this fork measures. */
	@Param({ "limit", "ours" })
	public String client;

	/** {@code canned}: {@link CannedApiServer}; {@code routed}: {@link BenchServer}. */
	@Param({ "canned" })
	public String server;

	private BenchServer tokens;

	private CannedApiServer api;

	private Clients.Realtime application;

	private FlowClient flows;

	private WebClient limit;

	private FlowIdentity identity;

	private Map<String, Object> params;

	private Map<String, Object> body;

	/** Calls that gave the fallback instead of the decision. */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.EVENTS)
	public static class Counts {

		public long fallbacks;

	}

	@Setup
	public void start() {
		this.tokens = new BenchServer(Clock.systemUTC());
		String baseUrl = this.tokens.baseUrl();
		if (this.server.equals("canned")) {
			this.api = new CannedApiServer(1, "200 OK", BenchServer.FLOW_BODY);
			baseUrl = this.api.baseUrl();
		}
		// The client's CPU per call, which CPU steal does not move as it moves calls per second.
		this.recorder = new CallRecorder("flow", this.client, CONCURRENCY, this.server);
		this.application = Clients.realtime(this.tokens,
				Map.of("sitecore.cdp.flows.deadline", "10s", "sitecore.cdp.base-url", baseUrl));
		this.flows = this.application.flows();
		this.limit = WebClient.builder().clientConnector(Clients.connector()).baseUrl(baseUrl).build();
		this.identity = FlowIdentity.ofBrowser("bench-browser-1");
		this.params = Map.of("page", "home");
		// The body FlowClient posts, field for field.
		this.body = new LinkedHashMap<>();
		this.body.put("clientKey", Clients.CLIENT_KEY);
		this.body.put("friendlyId", FLOW);
		this.body.put("channel", "WEB");
		this.body.put("language", "EN");
		this.body.put("currencyCode", "EUR");
		this.body.put("pointOfSale", Clients.POINT_OF_SALE);
		this.body.put("browserId", "bench-browser-1");
		this.body.put("params", this.params);
		// The first calls load classes and open the connection: on a busy machine they may
		// fall back, which says nothing of the steady state.
		for (int attempt = 1; call().block(Duration.ofSeconds(30)) == FALLBACK; attempt++) {
			if (attempt == 20) {
				throw new IllegalStateException("20 flow calls in a row gave no decision");
			}
		}
	}

	@TearDown
	public void stop() {
		this.application.close();
		if (this.api != null) {
			this.api.close();
		}
		this.tokens.close();
	}

	@Benchmark
	@OperationsPerInvocation(CALLS)
	public long calls(Counts counts) {
		Long fallbacks = Flux.range(0, CALLS)
			.flatMap((i) -> timed(), CONCURRENCY)
			.filter((offer) -> offer == FALLBACK)
			.count()
			.block(Duration.ofSeconds(60));
		counts.fallbacks += (fallbacks != null) ? fallbacks : 0;
		return CALLS;
	}

	private Mono<Offer> timed() {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return call().doOnSuccess((offer) -> this.recorder.record(System.nanoTime() - start));
		});
	}

	private Mono<Offer> call() {
		if (this.client.equals("ours")) {
			return this.flows.callFlow(FLOW, this.identity, this.params, Offer.class, FALLBACK);
		}
		return this.limit.post()
			.uri("/v2/callFlows")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(this.body)
			.retrieve()
			.bodyToMono(Offer.class);
	}

}

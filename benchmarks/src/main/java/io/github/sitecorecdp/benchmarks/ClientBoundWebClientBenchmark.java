package io.github.sitecorecdp.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

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

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * WebClient calls where the client is the bottleneck: against {@link CannedApiServer}, the
 * server costs so little that client CPU decides calls per second, which
 * {@code server=routed} (the realistic {@link BenchServer}) shows for the limit: with the
 * cheaper server the limit's throughput rises. Each client alone in its own fork (one
 * {@code client}, {@code concurrency} and {@code server} per fork), every fork starting
 * the same Spring Boot application with the starter, and starting cold: the first burst
 * of calls finds no token. Per measured iteration,
 * {@link CallRecorder} notes client CPU per call and p99 latency; run with JMH's GC
 * profiler for bytes allocated per call (one operation is one call).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
// Throughput still rose through 6 × 2 s of warm-up (from 40,000 to 52,000 calls/s while measured).
@Warmup(iterations = 12, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClientBoundWebClientBenchmark extends CallRecordingBenchmark {

	static final int CALLS = 2000;

	/** Which client this fork measures. */
	@Param({ "limit", "stock", "ours" })
	public String client;

	/** Calls in flight. */
	@Param({ "16", "64" })
	public int concurrency;

	/** {@code canned}: {@link CannedApiServer}; {@code routed}: {@link BenchServer}. */
	@Param({ "canned" })
	public String server;

	private BenchServer tokens;

	private CannedApiServer api;

	private Clients.Ours ours;

	private WebClient webClient;

	@Setup
	public void start() {
		this.tokens = new BenchServer(Clock.systemUTC());
		String baseUrl = this.tokens.baseUrl();
		if (this.server.equals("canned")) {
			this.api = new CannedApiServer(1);
			baseUrl = this.api.baseUrl();
		}
		this.recorder = new CallRecorder("webclient", this.client, this.concurrency, this.server);
		this.ours = Clients.ours(this.tokens, baseUrl, null);
		this.webClient = switch (this.client) {
			case "limit" -> Clients.limit(baseUrl);
			case "stock" -> Clients.stock(this.tokens, baseUrl, Clock.systemUTC());
			case "ours" -> this.ours.client();
			// Not in the default run, for finding where ours loses (-p client=ours-static):
			// cdpWebClient with its bearer connector swapped for the limit's connector and
			// header, so that ours minus this is the connector and this minus the limit is
			// the rest of the client (builder, codecs, observation).
			case "ours-static" -> this.ours.client()
				.mutate()
				.clientConnector(Clients.connector())
				.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + BenchServer.STATIC_TOKEN)
				.build();
			default -> throw new IllegalArgumentException(this.client);
		};
		// No call before the first burst: as in an application, whose traffic comes before
		// any token, the first burst waits for the first token (which is what pinned every
		// connection to one event loop, see benchmarks/README.md).
	}

	@TearDown
	public void stop() {
		this.ours.close();
		if (this.api != null) {
			this.api.close();
		}
		this.tokens.close();
	}

	@Benchmark
	@OperationsPerInvocation(CALLS)
	public Long calls() {
		return Flux.range(0, CALLS).flatMap((i) -> timed(), this.concurrency).count().block(Duration.ofSeconds(60));
	}

	private Mono<String> timed() {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return this.webClient.get()
				.uri("/api")
				.retrieve()
				.bodyToMono(String.class)
				.doOnSuccess((body) -> this.recorder.record(System.nanoTime() - start));
		});
	}

}

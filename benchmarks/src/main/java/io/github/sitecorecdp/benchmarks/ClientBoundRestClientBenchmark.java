package io.github.sitecorecdp.benchmarks;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.web.client.RestClient;

/**
 * {@code RestClient} calls from {@value #THREADS} threads where the client is the
 * bottleneck, against {@link CannedApiServer}, as {@link ClientBoundWebClientBenchmark}
 * does for WebClient: each client alone in its own fork, {@link CallRecorder} noting client
 * CPU per call and p99 latency per measured iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
// 16 blocking threads on 2 cores keep compiling for longer than the WebClient loop does.
@Warmup(iterations = 14, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(ClientBoundRestClientBenchmark.THREADS)
public class ClientBoundRestClientBenchmark extends CallRecordingBenchmark {

	static final int THREADS = 16;

	/** Which client this fork measures. */
	@Param({ "limit", "stock", "ours" })
	public String client;

	private BenchServer tokens;

	private CannedApiServer api;

	private Clients.Ours ours;

	private RestClient restClient;

	@Setup
	public void start() {
		this.tokens = new BenchServer(Clock.systemUTC());
		this.api = new CannedApiServer(1);
		this.recorder = new CallRecorder("restclient", this.client, THREADS, "canned");
		this.ours = Clients.ours(this.tokens, this.api.baseUrl(), null);
		this.restClient = switch (this.client) {
			case "limit" -> Clients.restLimit(this.api.baseUrl());
			case "stock" -> Clients.restStock(this.tokens, this.api.baseUrl());
			case "ours" -> this.ours.restClient();
			default -> throw new IllegalArgumentException(this.client);
		};
		// Cold, as ClientBoundWebClientBenchmark: the first calls wait for the first token.
	}

	@TearDown
	public void stop() {
		this.ours.close();
		this.api.close();
		this.tokens.close();
	}

	@Benchmark
	public String call() {
		long start = System.nanoTime();
		String body = this.restClient.get().uri("/api").retrieve().body(String.class);
		this.recorder.record(System.nanoTime() - start);
		return body;
	}

}

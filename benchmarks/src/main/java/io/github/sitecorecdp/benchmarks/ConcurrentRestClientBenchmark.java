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
 * RestClient throughput from {@value #THREADS} threads calling at once, each client alone in
 * its own forks: a static-header RestClient on the same request factory, Spring
 * Security's stock interceptor, and the starter's {@code cdpRestClient}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 16, time = 3)
@Measurement(iterations = 5, time = 3)
@Threads(ConcurrentRestClientBenchmark.THREADS)
// Warm-up twice as long as for WebClient: with 16 blocking threads on 2 cores, throughput
// kept rising through 8 × 3 s of warm-up and the measurement caught the JIT, not the client.
public class ConcurrentRestClientBenchmark {

	static final int THREADS = 16;

	/** Which client this fork measures. */
	@Param({ "limit", "stock", "ours" })
	public String client;

	private BenchServer server;

	private RestClient restClient;

	private Clients.Ours ours;

	@Setup
	public void start() {
		this.server = new BenchServer(Clock.systemUTC());
		// Every fork runs the same Spring Boot application with the starter, whichever
		// client it measures: the JVMs differ only in the client under load.
		this.ours = Clients.ours(this.server);
		this.restClient = switch (this.client) {
			case "limit" -> Clients.restLimit(this.server);
			case "stock" -> Clients.restStock(this.server);
			case "ours" -> this.ours.restClient();
			default -> throw new IllegalArgumentException(this.client);
		};
		call();
	}

	@TearDown
	public void stop() {
		this.ours.close();
		this.server.close();
	}

	@Benchmark
	public String call() {
		return this.restClient.get().uri("/api").retrieve().body(String.class);
	}

}

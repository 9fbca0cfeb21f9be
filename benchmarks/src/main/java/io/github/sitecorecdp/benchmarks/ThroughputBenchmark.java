package io.github.sitecorecdp.benchmarks;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Steady-state throughput with a warm token: one GET of a small JSON body per operation,
 * to the same loopback server, for the static-header limit, Spring Security's stock filter
 * and ours. All three use the same connector settings, so only token handling differs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 4, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ThroughputBenchmark {

	private BenchServer server;

	private WebClient limit;

	private WebClient stock;

	private Clients.Ours ours;

	@Setup
	public void start() {
		this.server = new BenchServer(Clock.systemUTC());
		this.limit = Clients.limit(this.server);
		this.stock = Clients.stock(this.server, Clock.systemUTC());
		this.ours = Clients.ours(this.server);
		// Warm tokens: steady state, not the first fetch.
		Clients.call(this.stock);
		Clients.call(this.ours.client());
	}

	@TearDown
	public void stop() {
		this.ours.close();
		this.server.close();
	}

	@Benchmark
	public String limit() {
		return Clients.call(this.limit);
	}

	@Benchmark
	public String stock() {
		return Clients.call(this.stock);
	}

	@Benchmark
	public String ours() {
		return Clients.call(this.ours.client());
	}

}

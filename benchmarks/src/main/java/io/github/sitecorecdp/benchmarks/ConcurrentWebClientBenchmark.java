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

import org.springframework.web.reactive.function.client.WebClient;

/**
 * WebClient throughput the way applications load it: many calls in flight at once
 * ({@value #CONCURRENCY}), so that the CPU cost of token handling shows instead of hiding
 * behind round-trip latency. Each client runs alone in its own forks (one {@code client}
 * parameter per fork), so its call sites are profiled for it alone, as in an application.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 8, time = 3)
@Measurement(iterations = 5, time = 3)
public class ConcurrentWebClientBenchmark {

	static final int CONCURRENCY = 16;

	static final int CALLS = 1000;

	/** Which client this fork measures. */
	@Param({ "limit", "stock", "ours" })
	public String client;

	private BenchServer server;

	private WebClient webClient;

	private Clients.Ours ours;

	@Setup
	public void start() {
		this.server = new BenchServer(Clock.systemUTC());
		// Every fork runs the same Spring Boot application with the starter, whichever
		// client it measures: the JVMs differ only in the client under load.
		this.ours = Clients.ours(this.server);
		this.webClient = switch (this.client) {
			case "limit" -> Clients.limit(this.server);
			case "stock" -> Clients.stock(this.server, Clock.systemUTC());
			case "ours" -> this.ours.client();
			default -> throw new IllegalArgumentException(this.client);
		};
		// A warm token: steady state, not the first fetch.
		Clients.call(this.webClient);
	}

	@TearDown
	public void stop() {
		this.ours.close();
		this.server.close();
	}

	@Benchmark
	@OperationsPerInvocation(CALLS)
	public Long calls() {
		return Flux.range(0, CALLS)
			.flatMap((i) -> this.webClient.get().uri("/api").retrieve().bodyToMono(String.class), CONCURRENCY)
			.count()
			.block(Duration.ofSeconds(60));
	}

}

package io.github.sitecorecdp.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.sitecorecdp.fake.MutableClock;
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

/**
 * Latency of a call that meets a 401 and is replayed (401, token request, 200) against a
 * plain 200, both through ours.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReplayBenchmark {

	private BenchServer server;

	private Clients.Ours ours;

	/**
	 * The starter's clock: a refused token is replaced at most once per backoff step, so
	 * each revocation here happens a minute after the last, as a real one would.
	 */
	private final MutableClock clock = MutableClock.startingNow();

	@Setup
	public void start() {
		this.server = new BenchServer(Clock.systemUTC());
		this.ours = Clients.ours(this.server, this.clock);
		Clients.call(this.ours.client());
	}

	@TearDown
	public void stop() {
		this.ours.close();
		this.server.close();
	}

	@Benchmark
	public String plain200() {
		return Clients.call(this.ours.client());
	}

	@Benchmark
	public String after401() {
		// The API stops accepting the current token, as when Sitecore revokes it.
		this.clock.advance(Duration.ofMinutes(1));
		this.server.revoke(this.ours.tokenManager().getToken().block(Duration.ofSeconds(10)).getTokenValue());
		return Clients.call(this.ours.client());
	}

}

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

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Application context start time of the same small application with and without the
 * starter's auto-configuration, in the same JVMs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(3)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
public class StartupBenchmark {

	private BenchServer server;

	@Setup
	public void start() {
		this.server = new BenchServer(Clock.systemUTC());
	}

	@TearDown
	public void stop() {
		this.server.close();
	}

	@Benchmark
	public Object withStarter() {
		return startAndStop(true);
	}

	@Benchmark
	public Object withoutStarter() {
		return startAndStop(false);
	}

	private Object startAndStop(boolean withStarter) {
		ConfigurableApplicationContext context = Clients.application(withStarter, this.server).run();
		int beans = context.getBeanDefinitionCount();
		SpringApplication.exit(context);
		return beans;
	}

}

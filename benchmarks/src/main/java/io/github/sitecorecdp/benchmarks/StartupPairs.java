package io.github.sitecorecdp.benchmarks;

import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter's share of context start (issue 21), measured in pairs: the same small
 * application is started with and without the starter, one after the other in one JVM
 * (which goes first alternates), many times, and the medians of the measured starts are
 * compared. Separate JVMs, as {@link StartupBenchmark} and {@link StartupSteps} use,
 * drift by more than the starter's share on a shared 2-core machine; within one JVM both
 * starts of a pair see the same machine state and the same compiled code.
 *
 * <pre>
 * java -cp ... io.github.sitecorecdp.benchmarks.StartupPairs [warm-up pairs] [measured pairs]
 * </pre>
 */
public final class StartupPairs {

	private StartupPairs() {
	}

	public static void main(String[] args) {
		int warmup = (args.length > 0) ? Integer.parseInt(args[0]) : 100;
		int measured = (args.length > 1) ? Integer.parseInt(args[1]) : 200;
		double[] with = new double[measured];
		double[] without = new double[measured];
		try (BenchServer server = new BenchServer(Clock.systemUTC())) {
			for (int i = 0; i < warmup + measured; i++) {
				boolean starterFirst = (i % 2 == 0);
				double first = start(server, starterFirst);
				double second = start(server, !starterFirst);
				if (i >= warmup) {
					with[i - warmup] = starterFirst ? first : second;
					without[i - warmup] = starterFirst ? second : first;
				}
			}
		}
		Arrays.sort(with);
		Arrays.sort(without);
		System.out.printf(Locale.ROOT,
				"Median start with the starter %.1f ms, without %.1f ms: %.3f (quartiles %.1f-%.1f and %.1f-%.1f ms)%n",
				with[measured / 2], without[measured / 2], with[measured / 2] / without[measured / 2], with[measured / 4],
				with[3 * measured / 4], without[measured / 4], without[3 * measured / 4]);
	}

	/** Start and stop the application, returning how long the start took, in ms. */
	private static double start(BenchServer server, boolean withStarter) {
		long begin = System.nanoTime();
		ConfigurableApplicationContext context = Clients.application(withStarter, server).run();
		double took = (System.nanoTime() - begin) / 1e6;
		SpringApplication.exit(context);
		return took;
	}

}

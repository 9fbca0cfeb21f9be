package io.github.sitecorecdp.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs every benchmark and measurement of the module in one go and writes the results as
 * Markdown (ratios computed within the run), for {@code benchmarks/README.md}.
 */
public final class BenchmarkRunner {

	private BenchmarkRunner() {
	}

	/** Rounds of alternating single-fork runs. */
	static final int ROUNDS = 4;

	public static void main(String[] args) throws RunnerException, IOException {
		Path report = Path.of((args.length > 0) ? args[0] : "benchmark-report.md");
		if (args.length > 1 && (args[1].equals("realtime-only") || args[1].equals("realtime-smoke"))) {
			write(report, RealtimeBenchmarks.run(args[1].equals("realtime-smoke")));
			return;
		}
		if (args.length > 1 && args[1].equals("client-bound-only")) {
			write(report, ClientBoundRunner.run());
			return;
		}
		boolean others = args.length > 1 && args[1].equals("without-client-bound");
		String clientBound = others ? "" : ClientBoundRunner.run() + "\n";
		Options options = new OptionsBuilder()
			.include(BenchmarkRunner.class.getPackageName()
					+ ".(ThroughputBenchmark|CachedTokenBenchmark|StartupBenchmark|ReplayBenchmark|ConnectorOverheadBenchmark)")
			.shouldFailOnError(true)
			.build();
		Collection<RunResult> results = new Runner(options).run();
		Map<String, Result<?>> scores = new HashMap<>();
		for (RunResult result : results) {
			String name = result.getParams().getBenchmark();
			scores.put(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1), result.getPrimaryResult());
		}
		System.out.println("Measuring token economy ...");
		List<Integer> stockCold = TokenEconomy.coldConcurrency(false);
		List<Integer> oursCold = TokenEconomy.coldConcurrency(true);
		TokenEconomy.Month month = TokenEconomy.month();
		String realtime = RealtimeBenchmarks.run(false);
		write(report, clientBound + markdown(scores, stockCold, oursCold, month) + "\n" + realtime);
	}

	private static void write(Path report, String markdown) throws IOException {
		Files.writeString(report, markdown);
		System.out.println();
		System.out.println(markdown);
		System.out.println("Written to " + report.toAbsolutePath());
	}

	/**
	 * Runs each of the clients (the benchmark's {@code client} parameter) alone in its own
	 * JVM, one fork at a time, alternating them for a number of rounds: on a small shared
	 * machine throughput drifts by tens of percent between JVMs, and alternating spreads
	 * the drift over every client.
	 * @param options changes to the benchmark's options, such as shorter iterations
	 */
	static Map<String, List<RunResult>> alternatingResults(Class<?> benchmark, List<String> clients, int rounds,
			UnaryOperator<ChainedOptionsBuilder> options) throws RunnerException {
		Map<String, List<RunResult>> results = new LinkedHashMap<>();
		for (int round = 0; round < rounds; round++) {
			for (String client : clients) {
				Options run = options.apply(new OptionsBuilder().include(benchmark.getName())
					.param("client", client)
					.forks(1)
					.shouldFailOnError(true))
					.build();
				for (RunResult result : new Runner(run).run()) {
					results.computeIfAbsent(client, (key) -> new ArrayList<>()).add(result);
				}
			}
		}
		return results;
	}

	static double median(List<Double> values) {
		return ClientBoundRunner.median(values);
	}

	private static String markdown(Map<String, Result<?>> scores, List<Integer> stockCold, List<Integer> oursCold,
			TokenEconomy.Month month) {
		StringBuilder out = new StringBuilder();
		out.append("| # | Measure | Result | Target |\n|---|---|---|---|\n");
		double limit = score(scores, "ThroughputBenchmark.limit");
		double stock = score(scores, "ThroughputBenchmark.stock");
		double ours = score(scores, "ThroughputBenchmark.ours");
		out.append(row("1", "Throughput, warm token (ops/s): limit / stock / ours",
				String.format(Locale.ROOT, "%s / %s / %s", format(scores, "ThroughputBenchmark.limit"),
						format(scores, "ThroughputBenchmark.stock"), format(scores, "ThroughputBenchmark.ours")),
				""));
		out.append(row("1", "ours / limit", String.format(Locale.ROOT, "%.3f", ours / limit), "≥ 0.98"));
		out.append(row("1", "ours / stock", String.format(Locale.ROOT, "%.3f", ours / stock), "≥ 1"));
		out.append(row("2", "Token requests, 1000 concurrent cold calls: stock (3 rounds)", stockCold.toString(), ""));
		out.append(row("2", "Token requests, 1000 concurrent cold calls: ours (3 rounds)", oursCold.toString(),
				"exactly 1"));
		out.append(row("3", "Simulated month (" + month.calls() + " calls, 24 h tokens): token requests",
				String.valueOf(month.tokenRequests()), "≤ 31"));
		out.append(row("3", "Simulated month: calls sent with an expired token",
				String.valueOf(month.expiredTokenCalls()), "0"));
		out.append(row("3", "Simulated month: calls that waited for a token after the first",
				String.valueOf(month.waitedAfterFirst()), "0"));
		out.append(row("4", "Cached token (ns/op): ours / ready Mono floor",
				format(scores, "CachedTokenBenchmark.cachedToken") + " / "
						+ format(scores, "CachedTokenBenchmark.readyMono"),
				"≤ 100"));
		double with = score(scores, "StartupBenchmark.withStarter");
		double without = score(scores, "StartupBenchmark.withoutStarter");
		out.append(row("5", "Context start (ms): with / without the starter",
				format(scores, "StartupBenchmark.withStarter") + " / " + format(scores, "StartupBenchmark.withoutStarter"),
				""));
		out.append(row("5", "with / without", String.format(Locale.ROOT, "%.3f", with / without), "≤ 1.05"));
		double plain = score(scores, "ReplayBenchmark.plain200");
		double replay = score(scores, "ReplayBenchmark.after401");
		out.append(row("6", "Call latency (µs): 401 → replay → 200 / plain 200",
				format(scores, "ReplayBenchmark.after401") + " / " + format(scores, "ReplayBenchmark.plain200"),
				"≈ one token and one API round trip more"));
		out.append(row("6", "replay / plain", String.format(Locale.ROOT, "%.2f", replay / plain), ""));
		out.append(row("7", "Token layer alone, no network (ns/call): ours / constant header",
				format(scores, "ConnectorOverheadBenchmark.ours") + " / "
						+ format(scores, "ConnectorOverheadBenchmark.constantHeader"),
				""));
		return out.toString();
	}

	private static String row(String number, String measure, String result, String target) {
		return "| " + number + " | " + measure + " | " + result + " | " + target + " |\n";
	}

	private static double score(Map<String, Result<?>> scores, String name) {
		Result<?> result = scores.get(name);
		return (result != null) ? result.getScore() : Double.NaN;
	}

	private static String format(Map<String, Result<?>> scores, String name) {
		Result<?> result = scores.get(name);
		if (result == null) {
			return "n/a";
		}
		return String.format(Locale.ROOT, "%.1f ± %.1f", result.getScore(), result.getScoreError());
	}

}

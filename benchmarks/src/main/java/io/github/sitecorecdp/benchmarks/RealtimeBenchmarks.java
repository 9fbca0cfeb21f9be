package io.github.sitecorecdp.benchmarks;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The real-time measurements of issue 23, run one after the other by
 * {@link BenchmarkRunner} ({@code realtime-only}, or as part of the full run), as
 * Markdown:
 *
 * <ol>
 * <li>{@link EventSendBenchmark}: {@code send}'s p99 and bytes per operation from 1 and 8
 * threads, against building the event alone;</li>
 * <li>{@link EventStreamBenchmark}: events per second at 32 in flight against a plain
 * WebClient, alternating single-fork JVMs, against the canned server, and the limit
 * against the routed one to show that the client is the bottleneck;</li>
 * <li>{@link StalledStreamApiHeap}: heap after GC and drop counter while sending into a
 * stalled API;</li>
 * <li>{@link ShutdownDrain}: 10,000 queued events drained on stop;</li>
 * <li>{@link FlowCallBenchmark}: {@code callFlow} against a plain WebClient at 16 in
 * flight, alternating; {@link FlowDeadline}: the deadline's p99 with a flow answering
 * late.</li>
 * </ol>
 *
 * A smoke run ({@code realtime-smoke}: one short iteration of each, one round, a few
 * seconds of stalled API, one drain) only shows that everything runs and reports; its
 * numbers mean nothing.
 */
final class RealtimeBenchmarks {

	static final List<String> CLIENTS = List.of("limit", "ours");

	/**
	 * The Stream API's clients: also a plain WebClient that parses each GET's pre-built
	 * text, and one that builds each GET.
	 */
	static final List<String> STREAM_CLIENTS = List.of("limit", "parsed", "plain", "ours");

	/** How long the stalled-API measurement sends. */
	static final Duration STALLED = Duration.ofSeconds(30);

	/** Runs of the limit against the routed server, which only show that the limit rises. */
	static final int ROUTED_ROUNDS = 2;

	private RealtimeBenchmarks() {
	}

	static String run(boolean smoke) throws RunnerException {
		UnaryOperator<ChainedOptionsBuilder> shorter = smoke ? (options) -> options.forks(1)
			.warmupIterations(1)
			.measurementIterations(2)
			.warmupTime(TimeValue.seconds(1))
			.measurementTime(TimeValue.seconds(1)) : UnaryOperator.identity();
		Map<String, RunResult> send = new HashMap<>();
		ChainedOptionsBuilder sendOptions = new OptionsBuilder().include(EventSendBenchmark.class.getName())
			.addProfiler(GCProfiler.class)
			.shouldFailOnError(true);
		if (smoke) {
			// Its iterations stay short: the events of an iteration stay in memory.
			sendOptions.forks(1).warmupIterations(2).measurementIterations(3);
		}
		for (RunResult result : new Runner(sendOptions.build()).run()) {
			String name = result.getParams().getBenchmark();
			send.put(name.substring(name.lastIndexOf('.') + 1), result);
		}
		int rounds = smoke ? 1 : BenchmarkRunner.ROUNDS;
		Map<String, List<RunResult>> stream = BenchmarkRunner.alternatingResults(EventStreamBenchmark.class,
				STREAM_CLIENTS, rounds, shorter);
		Map<String, List<RunResult>> flows = BenchmarkRunner.alternatingResults(FlowCallBenchmark.class, CLIENTS,
				rounds, shorter);
		// The evidence that the client is the bottleneck: the limit against the routed server,
		// which costs more per call than the canned one, reaches less.
		int routedRounds = smoke ? 1 : ROUTED_ROUNDS;
		UnaryOperator<ChainedOptionsBuilder> routed = (options) -> shorter.apply(options).param("server", "routed");
		List<RunResult> streamRouted = BenchmarkRunner
			.alternatingResults(EventStreamBenchmark.class, List.of("limit"), routedRounds, routed)
			.get("limit");
		List<RunResult> flowsRouted = BenchmarkRunner
			.alternatingResults(FlowCallBenchmark.class, List.of("limit"), routedRounds, routed)
			.get("limit");
		Duration stalledFor = smoke ? Duration.ofSeconds(5) : STALLED;
		System.out.println("Measuring a stalled Stream API for " + stalledFor.toSeconds() + " s ...");
		StalledStreamApiHeap.Result stalled = StalledStreamApiHeap.run(stalledFor);
		System.out.println("Measuring the drain on shutdown ...");
		List<ShutdownDrain.Round> drain = ShutdownDrain.run(smoke ? 1 : ShutdownDrain.ROUNDS);
		System.out.println("Measuring the flow deadline ...");
		FlowDeadline.Result deadline = FlowDeadline.run();
		return markdown(send, stream, flows, streamRouted, flowsRouted, stalled, drain, deadline, rounds);
	}

	static String markdown(Map<String, RunResult> send, Map<String, List<RunResult>> stream,
			Map<String, List<RunResult>> flows, List<RunResult> streamRouted, List<RunResult> flowsRouted,
			StalledStreamApiHeap.Result stalled, List<ShutdownDrain.Round> drain, FlowDeadline.Result deadline,
			int rounds) {
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT, "### Real time (issue 23)%n%nRun: %s, %s %s, %d cores, JDK %s (%s)%n%n",
				LocalDate.now(), System.getProperty("os.name"), System.getProperty("os.arch"),
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
				System.getProperty("java.vm.name")));
		out.append("`send` from 1 and 8 threads (sample time; bytes per operation from `-prof gc`), against building "
				+ "the same event alone:\n\n");
		out.append("| Threads | send p50 / p99 (ns) | event alone p50 / p99 (ns) | send (B/op) | event alone (B/op) "
				+ "| send − event (B/op) | Target |\n");
		out.append("|---|---|---|---|---|---|---|\n");
		out.append(sendRow("1", send.get("send"), send.get("event")));
		out.append(sendRow("8", send.get("send8Threads"), send.get("event8Threads")));
		out.append("\nEach client alone in its JVM, alternating limit, ours (and parsed and plain for the Stream API) for ").append(rounds)
			.append((rounds == 1) ? " round" : " rounds")
			.append("; median (each run):\n\n");
		out.append("| Measure | baseline | ours | ours / baseline | Target |\n|---|---|---|---|---|\n");
		out.append(alternatingRow("Stream API, events/s, " + EventStreamBenchmark.IN_FLIGHT + " in flight", stream,
				"limit", "≥ 0.9"));
		out.append(alternatingRow("Stream API, against a plain WebClient parsing each GET's pre-built text (parsed)",
				stream, "parsed", "≥ 0.9"));
		out.append(alternatingRow("Stream API, against a plain WebClient building each GET (plain)", stream, "plain",
				"≥ 0.9"));
		out.append(alternatingRow("`callFlow`, calls/s, " + FlowCallBenchmark.CONCURRENCY + " in flight", flows,
				"limit", "≥ 0.95"));
		out.append("\nThe client is the bottleneck: the limit against the canned server (above) and against the "
				+ "routed one, which costs more per call (median of each run):\n\n");
		out.append("| Measure | limit, routed server | limit, canned server | canned / routed |\n|---|---|---|---|\n");
		out.append(routedRow("Stream API, events/s", streamRouted, stream.get("limit")));
		out.append(routedRow("`callFlow`, calls/s", flowsRouted, flows.get("limit")));
		double fallbacks = flows.getOrDefault("ours", List.of())
			.stream()
			.mapToDouble((result) -> secondary(result, "fallbacks"))
			.sum();
		out.append(String.format(Locale.ROOT, "%n`callFlow` calls that fell back during the measured iterations: "
				+ "%.0f (should be 0).%n%n", fallbacks));
		out.append(stalled.markdown()).append('\n');
		out.append("10,000 queued events drained on stop (target: within 5 s, every event at the server):\n\n");
		out.append(ShutdownDrain.markdown(drain)).append('\n');
		out.append("Flow deadline (target: p99 ≤ deadline 400 ms + 20 ms):\n\n");
		out.append(deadline.markdown());
		return out.toString();
	}

	private static String sendRow(String threads, RunResult send, RunResult event) {
		if (send == null || event == null) {
			return "| " + threads + " | n/a | n/a | n/a | n/a | n/a | |\n";
		}
		double sendBytes = secondary(send, "gc.alloc.rate.norm");
		double eventBytes = secondary(event, "gc.alloc.rate.norm");
		return String.format(Locale.ROOT, "| %s | %.0f / %.0f | %.0f / %.0f | %.0f | %.0f | %.0f | p99 ≤ 1000 ns; ≤ 200 B |%n",
				threads, percentile(send, 50), percentile(send, 99), percentile(event, 50), percentile(event, 99),
				sendBytes, eventBytes, sendBytes - eventBytes);
	}

	private static String alternatingRow(String title, Map<String, List<RunResult>> results, String baseline,
			String target) {
		List<Double> limit = scores(results.get(baseline));
		List<Double> ours = scores(results.get("ours"));
		return String.format(Locale.ROOT, "| %s | %s | %s | **%.3f** | %s |%n", title, runs(limit), runs(ours),
				BenchmarkRunner.median(ours) / BenchmarkRunner.median(limit), target);
	}

	private static String routedRow(String title, List<RunResult> routed, List<RunResult> canned) {
		List<Double> routedScores = scores(routed);
		List<Double> cannedScores = scores(canned);
		return String.format(Locale.ROOT, "| %s | %s | %s | %.2f |%n", title, runs(routedScores), runs(cannedScores),
				BenchmarkRunner.median(cannedScores) / BenchmarkRunner.median(routedScores));
	}

	private static List<Double> scores(Collection<RunResult> results) {
		return results.stream().map((result) -> result.getPrimaryResult().getScore()).toList();
	}

	private static String runs(List<Double> scores) {
		return String.format(Locale.ROOT, "%.0f (", BenchmarkRunner.median(scores))
				+ scores.stream().map((score) -> String.format(Locale.ROOT, "%.0f", score)).collect(Collectors.joining(", "))
				+ ")";
	}

	private static double percentile(RunResult result, double percentile) {
		return result.getPrimaryResult().getStatistics().getPercentile(percentile);
	}

	/** A secondary result by the end of its label (JMH prefixes some labels). */
	private static double secondary(RunResult result, String label) {
		for (Map.Entry<String, Result> entry : result.getSecondaryResults().entrySet()) {
			if (entry.getKey().endsWith(label)) {
				return entry.getValue().getScore();
			}
		}
		return Double.NaN;
	}

}

package io.github.sitecorecdp.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the client-bound benchmarks ({@link ClientBoundWebClientBenchmark},
 * {@link ClientBoundRestClientBenchmark}) one fork at a time, alternating the clients for
 * {@link #ROUNDS} rounds, since throughput drifts between JVMs on a small shared machine,
 * and writes one Markdown table: calls per second (median and each run), the ratio to the
 * limit of the same round set, client CPU per call, bytes allocated per call (JMH's GC
 * profiler) and p99 latency (medians over the runs). First, in every round, the limit
 * against the realistic server, which shows that the cheap server leaves the client as the
 * bottleneck.
 */
public final class ClientBoundRunner {

	static final int ROUNDS = 3;

	static final List<String> CLIENTS = List.of("limit", "stock", "ours");

	private final Map<String, List<Run>> runs = new LinkedHashMap<>();

	private ClientBoundRunner() {
	}

	public static void main(String[] args) throws RunnerException, IOException {
		Path report = Path.of((args.length > 0) ? args[0] : "client-bound-report.md");
		String markdown = run();
		Files.writeString(report, markdown);
		System.out.println(markdown);
		System.out.println("Written to " + report.toAbsolutePath());
	}

	/**
	 * Run every fork and return the table.
	 * @return the Markdown table
	 */
	static String run() throws RunnerException, IOException {
		Files.deleteIfExists(CallRecorder.RESULTS);
		ClientBoundRunner runner = new ClientBoundRunner();
		for (int round = 0; round < ROUNDS; round++) {
			runner.webClient("limit", 16, "routed");
			for (int concurrency : new int[] { 16, 64 }) {
				for (String client : CLIENTS) {
					runner.webClient(client, concurrency, "canned");
				}
			}
			for (String client : CLIENTS) {
				runner.restClient(client);
			}
		}
		return runner.markdown();
	}

	private void webClient(String client, int concurrency, String server) throws RunnerException, IOException {
		ChainedOptionsBuilder options = new OptionsBuilder().include(ClientBoundWebClientBenchmark.class.getName())
			.param("client", client)
			.param("concurrency", String.valueOf(concurrency))
			.param("server", server);
		fork("WebClient, " + concurrency + " in flight, " + server + " server", client, options);
	}

	private void restClient(String client) throws RunnerException, IOException {
		ChainedOptionsBuilder options = new OptionsBuilder().include(ClientBoundRestClientBenchmark.class.getName())
			.param("client", client);
		fork("RestClient, " + ClientBoundRestClientBenchmark.THREADS + " threads, canned server", client, options);
	}

	private void fork(String row, String client, ChainedOptionsBuilder options) throws RunnerException, IOException {
		int linesBefore = lines().size();
		options.forks(1).addProfiler(GCProfiler.class).shouldFailOnError(true);
		for (RunResult result : new Runner(options.build()).run()) {
			Result<?> alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
			List<String> recorded = lines().subList(linesBefore, lines().size());
			long calls = 0;
			long cpu = 0;
			List<Double> p99 = new ArrayList<>();
			for (String line : recorded) {
				String[] fields = line.split("\t");
				calls += Long.parseLong(fields[4]);
				cpu += Long.parseLong(fields[5]);
				p99.add(Long.parseLong(fields[6]) / 1_000_000.0);
			}
			Run run = new Run(result.getPrimaryResult().getScore(), (calls > 0) ? cpu / 1000.0 / calls : Double.NaN,
					(alloc != null) ? alloc.getScore() : Double.NaN, median(p99));
			this.runs.computeIfAbsent(row + "\t" + client, (key) -> new ArrayList<>()).add(run);
		}
	}

	private static List<String> lines() throws IOException {
		return Files.exists(CallRecorder.RESULTS) ? Files.readAllLines(CallRecorder.RESULTS) : List.of();
	}

	private String markdown() {
		StringBuilder out = new StringBuilder();
		out.append("| Calls | Client | calls/s, median (each run) | / limit | client CPU µs/call | bytes/call | p99 ms |\n");
		out.append("|---|---|---|---|---|---|---|\n");
		Map<String, Double> limits = new LinkedHashMap<>();
		this.runs.forEach((key, list) -> {
			String[] parts = key.split("\t");
			if (parts[1].equals("limit")) {
				limits.put(parts[0], median(list.stream().map(Run::callsPerSecond).toList()));
			}
		});
		this.runs.forEach((key, list) -> {
			String[] parts = key.split("\t");
			double median = median(list.stream().map(Run::callsPerSecond).toList());
			Double limit = limits.get(parts[0]);
			out.append(String.format(Locale.ROOT, "| %s | %s | %.0f (%s) | %s | %.1f | %.0f | %.2f |%n", parts[0],
					parts[1], median,
					list.stream()
						.map((run) -> String.format(Locale.ROOT, "%.0f", run.callsPerSecond()))
						.collect(Collectors.joining(", ")),
					(limit != null) ? String.format(Locale.ROOT, "%.3f", median / limit) : "",
					median(list.stream().map(Run::cpuMicrosPerCall).toList()),
					median(list.stream().map(Run::bytesPerCall).toList()),
					median(list.stream().map(Run::p99Millis).toList())));
		});
		return out.toString();
	}

	static double median(List<Double> values) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	record Run(double callsPerSecond, double cpuMicrosPerCall, double bytesPerCall, double p99Millis) {
	}

}

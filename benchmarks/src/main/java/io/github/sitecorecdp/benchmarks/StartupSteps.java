package io.github.sitecorecdp.benchmarks;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Where the starter's share of context start goes (issue 21, {@link StartupPairs}):
 * starts the same application with and without the starter, one after the other in one
 * JVM (which goes first alternates), recording each start with Spring's
 * {@link BufferingApplicationStartup}, and prints the steps whose own time differs most
 * between the two, averaged over the pairs after the warm-up. A step's own time leaves out
 * the steps within it, so that creating a bean is not also counted in the bean that asked
 * for it; beans are named, other steps go by their step name
 * ({@code spring.context.config-classes.parse} and so on).
 *
 * <pre>
 * java -cp ... io.github.sitecorecdp.benchmarks.StartupSteps [pairs]
 * </pre>
 */
public final class StartupSteps {

	private static final String BEAN_STEP = "spring.beans.instantiate";

	private StartupSteps() {
	}

	public static void main(String[] args) {
		int pairs = (args.length > 0) ? Integer.parseInt(args[0]) : 80;
		int warmup = pairs / 2;
		Map<String, Long> withNanos = new HashMap<>();
		Map<String, Long> withoutNanos = new HashMap<>();
		try (BenchServer server = new BenchServer(Clock.systemUTC())) {
			for (int i = 0; i < pairs; i++) {
				boolean starterFirst = (i % 2 == 0);
				for (boolean withStarter : new boolean[] { starterFirst, !starterFirst }) {
					List<StartupTimeline.TimelineEvent> events = record(server, withStarter);
					if (i >= warmup) {
						addOwnTimes(events, withStarter ? withNanos : withoutNanos);
					}
				}
			}
		}
		int measured = pairs - warmup;
		Map<String, Double> excessMillis = new HashMap<>();
		withNanos.forEach((step, nanos) -> excessMillis.merge(step, nanos / 1e6 / measured, Double::sum));
		withoutNanos.forEach((step, nanos) -> excessMillis.merge(step, -nanos / 1e6 / measured, Double::sum));
		System.out.printf(Locale.ROOT, "Own time of each step with the starter minus without (mean of %d pairs after %d"
				+ " warm-up pairs), largest first:%n", measured, warmup);
		excessMillis.entrySet()
			.stream()
			.sorted((a, b) -> Double.compare(Math.abs(b.getValue()), Math.abs(a.getValue())))
			.limit(25)
			.forEach((entry) -> System.out.printf(Locale.ROOT, "%+8.2f ms  %s (with the starter %.2f ms)%n",
					entry.getValue(), entry.getKey(), withNanos.getOrDefault(entry.getKey(), 0L) / 1e6 / measured));
	}

	private static List<StartupTimeline.TimelineEvent> record(BenchServer server, boolean withStarter) {
		BufferingApplicationStartup startup = new BufferingApplicationStartup(100_000);
		ConfigurableApplicationContext context = Clients.application(withStarter, server)
			.applicationStartup(startup)
			.run();
		SpringApplication.exit(context);
		return startup.getBufferedTimeline().getEvents();
	}

	private static void addOwnTimes(List<StartupTimeline.TimelineEvent> events, Map<String, Long> nanosByStep) {
		Map<Long, Long> childNanos = new HashMap<>();
		for (StartupTimeline.TimelineEvent event : events) {
			Long parent = event.getStartupStep().getParentId();
			if (parent != null) {
				childNanos.merge(parent, event.getDuration().toNanos(), Long::sum);
			}
		}
		for (StartupTimeline.TimelineEvent event : events) {
			String step = event.getStartupStep().getName();
			if (step.equals(BEAN_STEP)) {
				step = "bean " + tag(event, "beanName");
			}
			long own = event.getDuration().toNanos() - childNanos.getOrDefault(event.getStartupStep().getId(), 0L);
			nanosByStep.merge(step, own, Long::sum);
		}
	}

	private static String tag(StartupTimeline.TimelineEvent event, String key) {
		for (var tag : event.getStartupStep().getTags()) {
			if (tag.getKey().equals(key)) {
				return tag.getValue();
			}
		}
		return "?";
	}

}

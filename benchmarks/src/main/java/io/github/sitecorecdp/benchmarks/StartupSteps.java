package io.github.sitecorecdp.benchmarks;

import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Where the starter's share of context start goes (issue 21, {@link StartupBenchmark}):
 * starts the same application as that benchmark, with or without the starter, many times
 * in one JVM, recording each start with Spring's {@link BufferingApplicationStartup}, and
 * prints the beans whose creation took longest on average over the starts after the
 * warm-up (a bean's own time: the beans created within its creation are counted apart).
 *
 * <pre>
 * java -cp ... io.github.sitecorecdp.benchmarks.StartupSteps [with|without] [starts]
 * </pre>
 */
public final class StartupSteps {

	private StartupSteps() {
	}

	public static void main(String[] args) {
		boolean withStarter = args.length == 0 || args[0].equals("with");
		int starts = (args.length > 1) ? Integer.parseInt(args[1]) : 40;
		int warmup = starts / 2;
		Map<String, Long> nanosByBean = new HashMap<>();
		long totalNanos = 0;
		try (BenchServer server = new BenchServer(Clock.systemUTC())) {
			for (int i = 0; i < starts; i++) {
				BufferingApplicationStartup startup = new BufferingApplicationStartup(100_000);
				long begin = System.nanoTime();
				ConfigurableApplicationContext context = Clients.application(withStarter)
					.applicationStartup(startup)
					.properties("sitecore.cdp.api-key=bench-key", "sitecore.cdp.api-secret=bench-secret",
							"sitecore.cdp.token-uri=" + server.tokenUri(), "sitecore.cdp.base-url=" + server.baseUrl(),
							"logging.level.root=warn")
					.run();
				long took = System.nanoTime() - begin;
				SpringApplication.exit(context);
				if (i < warmup) {
					continue;
				}
				totalNanos += took;
				// Each bean's own time: its creation less the beans created within it.
				Map<Long, Long> childNanos = new HashMap<>();
				for (StartupTimeline.TimelineEvent event : startup.getBufferedTimeline().getEvents()) {
					Long parent = event.getStartupStep().getParentId();
					if (parent != null && event.getStartupStep().getName().equals("spring.beans.instantiate")) {
						childNanos.merge(parent, event.getDuration().toNanos(), Long::sum);
					}
				}
				for (StartupTimeline.TimelineEvent event : startup.getBufferedTimeline().getEvents()) {
					if (event.getStartupStep().getName().equals("spring.beans.instantiate")) {
						String bean = tag(event, "beanName");
						long own = event.getDuration().toNanos()
								- childNanos.getOrDefault(event.getStartupStep().getId(), 0L);
						nanosByBean.merge(bean, own, Long::sum);
					}
				}
			}
		}
		int measured = starts - warmup;
		System.out.printf(Locale.ROOT, "%s the starter: %.1f ms per start (mean of %d after %d warm-up starts)%n",
				withStarter ? "With" : "Without", totalNanos / 1e6 / measured, measured, warmup);
		nanosByBean.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(25)
			.forEach((entry) -> System.out.printf(Locale.ROOT, "%8.2f ms  %s%n",
					entry.getValue() / 1e6 / measured, entry.getKey()));
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

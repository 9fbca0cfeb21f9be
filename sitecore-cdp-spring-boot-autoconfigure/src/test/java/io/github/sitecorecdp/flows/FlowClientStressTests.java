package io.github.sitecorecdp.flows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.github.sitecorecdp.fake.FakeFlows;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads call fast, slow and failing flows for seconds: every call returns within
 * the deadline plus a margin for a loaded machine, never throws, and the fallbacks the
 * callers got match what the fake answered.
 */
class FlowClientStressTests {

	private static final Duration DEADLINE = Duration.ofMillis(300);

	// Generous: the build machine is shared; the deadline itself is the timer's, the margin
	// covers scheduling only.
	private static final Duration MARGIN = Duration.ofMillis(250);

	private static final List<String> FLOWS = List.of("fast", "slow", "down");

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private final FakeFlows flows = this.cdp.api()
		.flows()
		.answer("fast", "{\"title\":\"fast\"}")
		.answer("slow", "{\"title\":\"slow\"}")
		.delay("slow", Duration.ofSeconds(1))
		.failNext("down", Integer.MAX_VALUE, 500);

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	@Test
	void whenManyThreadsCallMixedFlowsThenEveryCallEndsInTimeAndFallbacksMatchTheFake() throws Exception {
		FlowClient client = FlowClients.client(this.cdp.baseUrl(), DEADLINE);
		client.execute("fast", FlowIdentity.ofBrowser("warm-up"), Map.of(), Offer.class).block();
		Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
		AtomicLong slowest = new AtomicLong();
		long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
		ExecutorService threads = Executors.newFixedThreadPool(8);
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			int thread = t;
			workers.add(threads.submit(() -> {
				int i = thread;
				while (System.nanoTime() < end) {
					String flow = FLOWS.get(i++ % FLOWS.size());
					long start = System.nanoTime();
					FlowResult<Offer> result = client
						.execute(flow, FlowIdentity.ofBrowser("b-" + thread), Map.of(), Offer.class)
						.block();
					slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
					String reason = (result.reason() != null) ? result.reason().name() : "DECISION";
					outcomes.computeIfAbsent(flow + ":" + reason, (k) -> new LongAdder()).increment();
				}
			}));
		}
		for (Future<?> worker : workers) {
			worker.get();
		}
		threads.shutdown();
		assertThat(Duration.ofNanos(slowest.get())).isLessThanOrEqualTo(DEADLINE.plus(MARGIN));
		long unavailable = count(outcomes, "down:UNAVAILABLE");
		long downTimeouts = count(outcomes, "down:TIMEOUT");
		long refused = this.flows.calls().stream().filter((c) -> "down".equals(c.friendlyId())).count();
		assertThat(unavailable).isPositive();
		// Each 500 the fake sent is one fallback, unless the deadline cut the call first.
		assertThat(refused).isBetween(unavailable, unavailable + downTimeouts);
		assertThat(outcomes.keySet()).allMatch((key) -> !key.startsWith("down:") || key.equals("down:UNAVAILABLE")
				|| key.equals("down:TIMEOUT"));
		assertThat(count(outcomes, "slow:DECISION")).isZero();
		assertThat(count(outcomes, "slow:TIMEOUT")).isPositive();
		long fastDecisions = count(outcomes, "fast:DECISION");
		assertThat(fastDecisions).isPositive();
		long fastServed = this.flows.calls().stream().filter((c) -> "fast".equals(c.friendlyId())).count();
		// The warm-up call is one of the fake's.
		assertThat(fastServed - 1).isBetween(fastDecisions, fastDecisions + count(outcomes, "fast:TIMEOUT"));
	}

	private static long count(Map<String, LongAdder> outcomes, String key) {
		LongAdder adder = outcomes.get(key);
		return (adder != null) ? adder.sum() : 0;
	}

}

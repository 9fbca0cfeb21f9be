package io.github.sitecorecdp.flows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eight threads start deadlines for seconds on the real scheduler: each cancels about half
 * at once and waits for the others to fire. Waiting empties the queue again and again, so
 * that a deadline started just as the tick finds nothing left and stops is met often: each
 * deadline left fires exactly once, none early, none cancelled fires, none is later than a
 * margin for a loaded machine.
 */
class FlowDeadlinesStressTests {

	private static final Duration DEADLINE = Duration.ofMillis(40);

	// The build machine is shared: the tick is 1 ms, the rest covers threads waiting for a core.
	private static final Duration MARGIN = Duration.ofMillis(250);

	@Test
	void whenManyThreadsStartCancelAndAwaitDeadlinesThenEachLeftFiresOnceAndInTime() throws Exception {
		FlowDeadlines deadlines = new FlowDeadlines(DEADLINE, Schedulers::parallel, System::nanoTime);
		AtomicLong started = new AtomicLong();
		AtomicLong cancelled = new AtomicLong();
		AtomicLong fired = new AtomicLong();
		AtomicLong missed = new AtomicLong();
		AtomicLong firedTwice = new AtomicLong();
		AtomicLong firedAfterCancel = new AtomicLong();
		AtomicLong early = new AtomicLong();
		AtomicLong latest = new AtomicLong();
		long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
		ExecutorService threads = Executors.newFixedThreadPool(8);
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			workers.add(threads.submit(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				while (System.nanoTime() < end) {
					long start = System.nanoTime();
					AtomicInteger times = new AtomicInteger();
					CountDownLatch done = new CountDownLatch(1);
					boolean cancel = random.nextBoolean();
					Disposable call = deadlines.signal().subscribe((value) -> {
						long waited = System.nanoTime() - start;
						if (times.incrementAndGet() > 1) {
							firedTwice.incrementAndGet();
						}
						if (cancel) {
							firedAfterCancel.incrementAndGet();
						}
						if (waited < DEADLINE.toNanos()) {
							early.incrementAndGet();
						}
						latest.accumulateAndGet(waited, Math::max);
						fired.incrementAndGet();
						done.countDown();
					});
					started.incrementAndGet();
					if (cancel) {
						call.dispose();
						cancelled.incrementAndGet();
					}
					else if (!done.await(DEADLINE.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS)) {
						missed.incrementAndGet();
					}
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get();
		}
		threads.shutdown();
		// Cancelled deadlines would have fired by now.
		TimeUnit.MILLISECONDS.sleep(DEADLINE.plus(MARGIN).toMillis());
		assertThat(started.get()).isGreaterThan(500);
		assertThat(missed).hasValue(0);
		assertThat(fired).hasValue(started.get() - cancelled.get());
		assertThat(firedTwice).hasValue(0);
		assertThat(firedAfterCancel).hasValue(0);
		assertThat(early).hasValue(0);
		assertThat(Duration.ofNanos(latest.get())).isLessThanOrEqualTo(DEADLINE.plus(MARGIN));
	}

}

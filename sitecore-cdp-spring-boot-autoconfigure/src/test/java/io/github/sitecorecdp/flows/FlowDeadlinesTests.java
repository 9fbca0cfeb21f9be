package io.github.sitecorecdp.flows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FlowDeadlines} on virtual time, counting exactly: when each deadline fires, that
 * a cancelled one never does, and that no tick is set while nothing waits.
 */
class FlowDeadlinesTests {

	private static final Duration DEADLINE = Duration.ofMillis(400);

	/** The tick for a 400 ms deadline: a deadline fires at most this late. */
	private static final Duration TICK = Duration.ofMillis(2);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final CountingScheduler scheduler = new CountingScheduler(this.time);

	private final FlowDeadlines deadlines = new FlowDeadlines(DEADLINE, () -> this.scheduler,
			() -> this.time.now(TimeUnit.NANOSECONDS));

	@AfterEach
	void stop() {
		this.time.dispose();
	}

	@Test
	void whenTheDeadlinePassesThenTheSignalFiresOnce() {
		AtomicInteger fired = new AtomicInteger();
		this.deadlines.signal().subscribe((value) -> fired.incrementAndGet());
		this.time.advanceTimeBy(DEADLINE.minusNanos(1));
		assertThat(fired).hasValue(0);
		this.time.advanceTimeBy(Duration.ofNanos(1));
		assertThat(fired).hasValue(1);
		this.time.advanceTimeBy(DEADLINE.multipliedBy(3));
		assertThat(fired).hasValue(1);
	}

	@Test
	void whenCancelledBeforeTheDeadlineThenTheSignalNeverFires() {
		AtomicInteger fired = new AtomicInteger();
		Disposable call = this.deadlines.signal().subscribe((value) -> fired.incrementAndGet());
		this.time.advanceTimeBy(DEADLINE.dividedBy(2));
		call.dispose();
		this.time.advanceTimeBy(DEADLINE.multipliedBy(3));
		assertThat(fired).hasValue(0);
	}

	@Test
	void whenCallsStartAtDifferentTimesThenEachFiresWithinOneTickOfItsOwnDeadline() {
		List<Long> firedAt = new ArrayList<>();
		List<Long> startedAt = new ArrayList<>();
		for (int call = 0; call < 5; call++) {
			startedAt.add(this.time.now(TimeUnit.MILLISECONDS));
			this.deadlines.signal().subscribe((value) -> firedAt.add(this.time.now(TimeUnit.MILLISECONDS)));
			this.time.advanceTimeBy(Duration.ofMillis(37));
		}
		this.time.advanceTimeBy(DEADLINE.multipliedBy(2));
		assertThat(firedAt).hasSize(5);
		for (int call = 0; call < 5; call++) {
			long late = firedAt.get(call) - startedAt.get(call) - DEADLINE.toMillis();
			assertThat(late).as("call %d fired %d ms after its deadline", call, late).isBetween(0L, TICK.toMillis());
		}
	}

	@Test
	void whenCallsWereAllSettledThenTheTickStopsOnceTheirDeadlinesPass() {
		List<Disposable> calls = new ArrayList<>();
		for (int call = 0; call < 100; call++) {
			calls.add(this.deadlines.signal().subscribe());
		}
		calls.forEach(Disposable::dispose);
		this.time.advanceTimeBy(DEADLINE.multipliedBy(2));
		int ticks = this.scheduler.scheduled.get();
		this.time.advanceTimeBy(Duration.ofMinutes(10));
		assertThat(this.scheduler.scheduled).hasValue(ticks);
		// One tick for the first call's deadline, none per call.
		assertThat(ticks).isLessThanOrEqualTo(2);
	}

	@Test
	void whenACallStartsAfterTheTickStoppedThenItsDeadlineStillFires() {
		this.deadlines.signal().subscribe().dispose();
		this.time.advanceTimeBy(DEADLINE.multipliedBy(2));
		AtomicInteger fired = new AtomicInteger();
		this.deadlines.signal().subscribe((value) -> fired.incrementAndGet());
		this.time.advanceTimeBy(DEADLINE);
		assertThat(fired).hasValue(1);
	}

	@Test
	void whenTheSignalIsNotAskedForUntilAfterItIsDueThenItFiresWhenAsked() {
		AtomicInteger fired = new AtomicInteger();
		List<org.reactivestreams.Subscription> subscriptions = new ArrayList<>();
		this.deadlines.signal().subscribe((value) -> fired.incrementAndGet(), (ex) -> {
		}, () -> {
		}, subscriptions::add);
		this.time.advanceTimeBy(DEADLINE.plus(TICK));
		assertThat(fired).hasValue(0);
		subscriptions.get(0).request(1);
		assertThat(fired).hasValue(1);
	}

	@Test
	void whenTheSchedulerIsShutDownThenTheSignalFailsInsteadOfNeverFiring() {
		Scheduler stopped = Schedulers.newSingle("stopped");
		stopped.dispose();
		FlowDeadlines onStopped = new FlowDeadlines(DEADLINE, () -> stopped, System::nanoTime);
		assertThat(Mono.from(onStopped.signal()).map(Object::toString).onErrorResume((ex) -> Mono.just(ex.getMessage()))
			.block(Duration.ofSeconds(5))).contains("shut down");
	}

	@Test
	void whenTheSchedulerIsReplacedAfterAShutDownThenDeadlinesRunOnTheNewOne() {
		Scheduler stopped = Schedulers.newSingle("stopped");
		stopped.dispose();
		AtomicReference<Scheduler> shared = new AtomicReference<>(stopped);
		FlowDeadlines onShared = new FlowDeadlines(Duration.ofMillis(20), shared::get, System::nanoTime);
		Scheduler replacement = Schedulers.newSingle("replacement");
		try {
			shared.set(replacement);
			assertThat(onShared.signal().block(Duration.ofSeconds(5))).isZero();
		}
		finally {
			replacement.dispose();
		}
	}

	@Test
	void whenTheSchedulerIsShutDownWithATickSetThenTheNextCallSetsOneOnItsReplacement() {
		Scheduler first = Schedulers.newSingle("first");
		Scheduler replacement = Schedulers.newSingle("replacement");
		AtomicReference<Scheduler> shared = new AtomicReference<>(first);
		FlowDeadlines onShared = new FlowDeadlines(Duration.ofMillis(50), shared::get, System::nanoTime);
		try {
			Mono<Long> waiting = onShared.signal().cache();
			waiting.subscribe();
			first.dispose();
			shared.set(replacement);
			assertThat(onShared.signal().block(Duration.ofSeconds(5))).isZero();
			assertThat(waiting.block(Duration.ofSeconds(5))).isZero();
		}
		finally {
			first.dispose();
			replacement.dispose();
		}
	}

	/**
	 * Counts the tasks set with a delay: the ticks.
	 */
	private static final class CountingScheduler implements Scheduler {

		private final Scheduler scheduler;

		private final AtomicInteger scheduled = new AtomicInteger();

		CountingScheduler(Scheduler scheduler) {
			this.scheduler = scheduler;
		}

		@Override
		public Disposable schedule(Runnable task) {
			return this.scheduler.schedule(task);
		}

		@Override
		public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
			this.scheduled.incrementAndGet();
			return this.scheduler.schedule(task, delay, unit);
		}

		@Override
		public Worker createWorker() {
			return this.scheduler.createWorker();
		}

	}

}

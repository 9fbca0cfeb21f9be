package io.github.sitecorecdp.flows;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.concurrent.Queues;

/**
 * The deadlines of one {@link FlowClient}'s calls, as signals for Reactor's
 * {@code timeout(Publisher)}: each {@link #signal()} emits once its subscriber has waited
 * the deadline, unless cancelled first.
 *
 * <p>
 * Written by hand because Reactor's {@code timeout(Duration)} sets a task on a
 * {@code ScheduledThreadPoolExecutor} for every call and cancels it when the answer comes,
 * each time under the executor's lock and in its time-ordered heap: about 3 % of the event
 * loops' samples in a profile of {@code FlowCallBenchmark}, for calls that almost never
 * time out. Every call of one client has the same deadline, so calls reach it in the order
 * they started: a queue in that order, read by one task while calls are pending, serves
 * them with one lock-free offer per call and one flag to cancel. A call whose offer was
 * overtaken by a later one (its thread paused between reading the clock and the offer)
 * waits behind it, by that pause at most.
 *
 * <p>
 * A due signal fires as its own task on the scheduler, as Reactor's timer does: what runs
 * after a timeout (the fallback, the caller's own chain) then spreads over the scheduler's
 * threads rather than queueing behind other calls' timeouts.
 */
final class FlowDeadlines {

	private final long deadlineNanos;

	private final long tickNanos;

	/** Asked each time, as Reactor's timer is: a shut down shared scheduler is replaced. */
	private final Supplier<Scheduler> scheduler;

	private final LongSupplier nanoTime;

	/** Signals in the order their deadlines fall; one reader, the tick. */
	private final Queue<Signal> pending = Queues.<Signal>unboundedMultiproducer().get();

	/** Whether a tick is set or running. */
	private final AtomicBoolean ticking = new AtomicBoolean();

	/**
	 * Where the tick was last set: a scheduler shut down drops it, and the next call sets
	 * another rather than wait for it.
	 */
	private final AtomicReference<@Nullable Scheduler> tickOn = new AtomicReference<>();

	/** Held by the tick that reads {@link #pending}, the queue's one reader. */
	private final ReentrantLock reading = new ReentrantLock();

	private final Mono<Long> signal = new Mono<>() {

		@Override
		public void subscribe(CoreSubscriber<? super Long> actual) {
			start(actual);
		}

	};

	/**
	 * Create the deadlines of one client.
	 * @param deadline the time a call may take in all
	 * @param scheduler where the tick and the timeouts run, such as
	 * {@code Schedulers::parallel}
	 * @param nanoTime the scheduler's clock as a monotonic time in nanoseconds
	 */
	FlowDeadlines(Duration deadline, Supplier<Scheduler> scheduler, LongSupplier nanoTime) {
		this.deadlineNanos = deadline.toNanos();
		// A call times out at most one tick after its deadline: 2 ms for the default 400 ms,
		// well inside the 20 ms the deadline is held to (a 5 ms tick put the p99 of
		// FlowDeadline 6 ms above Reactor's timer on a busy machine), and a tick at most 500
		// times a second while calls are pending, none when none are.
		this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
				Math.min(TimeUnit.MILLISECONDS.toNanos(2), this.deadlineNanos / 100));
		this.scheduler = scheduler;
		this.nanoTime = nanoTime;
	}

	/** The scheduler last asked for, and whether it runs on virtual time. */
	private volatile @Nullable SchedulerTime lastSchedulerTime;

	/**
	 * Return a signal that emits once the deadline has passed from its subscription. One
	 * instance serves every call: each subscription is a deadline of its own. Under
	 * reactor-test's virtual time ({@code StepVerifier.withVirtualTime}), Reactor's own
	 * delay on the virtual scheduler, as {@code timeout(Duration)} would use: the queue's
	 * clock is the monotonic one, which virtual time does not move.
	 * @return the deadline's signal
	 */
	Mono<Long> signal() {
		Scheduler on = this.scheduler.get();
		SchedulerTime time = this.lastSchedulerTime;
		if (time == null || time.scheduler != on) {
			time = new SchedulerTime(on, isVirtualTime(on));
			this.lastSchedulerTime = time;
		}
		return time.virtual ? Mono.delay(Duration.ofNanos(this.deadlineNanos), on) : this.signal;
	}

	private void start(CoreSubscriber<? super Long> actual) {
		Signal signal = new Signal(actual, this.nanoTime.getAsLong() + this.deadlineNanos);
		actual.onSubscribe(signal);
		this.pending.offer(signal);
		if (!this.ticking.get()) {
			if (this.ticking.compareAndSet(false, true)) {
				setTick(this.deadlineNanos);
			}
			return;
		}
		Scheduler on = this.tickOn.get();
		if (on != null && on.isDisposed() && this.tickOn.compareAndSet(on, null)) {
			setTick(this.deadlineNanos);
		}
	}

	private void tick() {
		// A tick set again after its scheduler was shut down may meet one still running there.
		if (!this.reading.tryLock()) {
			return;
		}
		try {
			read();
		}
		finally {
			this.reading.unlock();
		}
	}

	private void read() {
		long now = this.nanoTime.getAsLong();
		Signal head;
		while ((head = this.pending.peek()) != null && head.due - now <= 0) {
			this.pending.poll();
			Signal due = head;
			if (due.isWaiting() && !schedule(due::fire, 0)) {
				due.fire();
			}
		}
		if (head == null) {
			this.ticking.set(false);
			// An offer may have come after the peek, seen the tick still set and left it to
			// this one: look again.
			if (this.pending.isEmpty() || !this.ticking.compareAndSet(false, true)) {
				return;
			}
			head = this.pending.peek();
			now = this.nanoTime.getAsLong();
		}
		setTick((head != null) ? Math.max(head.due - now, this.tickNanos) : this.tickNanos);
	}

	/**
	 * Set the next tick; the caller holds {@link #ticking}. With the scheduler shut down no
	 * deadline could fire: every call waiting for one is failed rather than left to wait
	 * for an answer that may never come.
	 */
	private void setTick(long delayNanos) {
		while (!setTickOnce(delayNanos)) {
			this.reading.lock();
			try {
				Signal left;
				while ((left = this.pending.poll()) != null) {
					left.fail(new RejectedExecutionException("The scheduler of flow deadlines is shut down"));
				}
			}
			finally {
				this.reading.unlock();
			}
			this.ticking.set(false);
			if (this.pending.isEmpty() || !this.ticking.compareAndSet(false, true)) {
				return;
			}
		}
	}

	private boolean setTickOnce(long delayNanos) {
		Scheduler on = this.scheduler.get();
		this.tickOn.set(on);
		return schedule(on, this::tick, delayNanos);
	}

	private boolean schedule(Runnable task, long delayNanos) {
		return schedule(this.scheduler.get(), task, delayNanos);
	}

	private static boolean schedule(Scheduler scheduler, Runnable task, long delayNanos) {
		try {
			if (delayNanos == 0) {
				scheduler.schedule(task);
			}
			else {
				scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
			}
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

	private static boolean isVirtualTime(Scheduler scheduler) {
		// Schedulers.parallel() answers the scheduler wrapped in one of its cache.
		Object inner = (scheduler instanceof Supplier<?> cached) ? cached.get() : scheduler;
		return inner != null && inner.getClass().getName().startsWith("reactor.test.");
	}

	private record SchedulerTime(Scheduler scheduler, boolean virtual) {
	}

	/**
	 * One call's deadline: emits once, after it is due and asked for, unless cancelled.
	 */
	static final class Signal implements org.reactivestreams.Subscription {

		private static final int WAITING = 0;

		private static final int REQUESTED = 1;

		private static final int DUE = 2;

		private static final int DONE = 3;

		private static final AtomicIntegerFieldUpdater<Signal> STATE = AtomicIntegerFieldUpdater
			.newUpdater(Signal.class, "state");

		final long due;

		/** Let go once done, so that a settled call is not kept until its deadline. */
		private volatile @Nullable CoreSubscriber<? super Long> actual;

		private volatile int state;

		Signal(CoreSubscriber<? super Long> actual, long due) {
			this.actual = actual;
			this.due = due;
		}

		boolean isWaiting() {
			return this.state != DONE;
		}

		@Override
		public void request(long n) {
			if (!Operators.validate(n)) {
				return;
			}
			if (STATE.compareAndSet(this, WAITING, REQUESTED)) {
				return;
			}
			if (STATE.compareAndSet(this, DUE, DONE)) {
				emit();
			}
		}

		@Override
		public void cancel() {
			if (STATE.getAndSet(this, DONE) != DONE) {
				this.actual = null;
			}
		}

		void fire() {
			for (;;) {
				int now = this.state;
				if (now == REQUESTED && STATE.compareAndSet(this, REQUESTED, DONE)) {
					emit();
					return;
				}
				// Not asked for yet: request() emits it.
				if ((now == WAITING && STATE.compareAndSet(this, WAITING, DUE)) || now == DUE || now == DONE) {
					return;
				}
			}
		}

		void fail(Throwable failure) {
			CoreSubscriber<? super Long> subscriber = this.actual;
			if (subscriber != null && STATE.getAndSet(this, DONE) != DONE) {
				this.actual = null;
				subscriber.onError(failure);
			}
		}

		private void emit() {
			// Read after winning the state: cancel() clears it only when it wins instead.
			CoreSubscriber<? super Long> subscriber = this.actual;
			this.actual = null;
			if (subscriber != null) {
				subscriber.onNext(0L);
				subscriber.onComplete();
			}
		}

	}

}

package io.github.sitecorecdp.events;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.sitecorecdp.realtime.RealtimeSettings;
import io.github.sitecorecdp.retry.RetryPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.util.concurrent.Queues;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Sends events to Sitecore CDP's Stream API
 * ({@code GET /v1.2/event/create.json?client_key=..&message=<JSON>}, answered 201) without
 * ever being in the way of the caller.
 *
 * <ul>
 * <li>{@link #send} checks the event (a bad one is refused with an
 * {@link InvalidCdpEventException}) and enqueues it in constant time. It never blocks:
 * when the queue holds its capacity in events or in bytes, the event is dropped, counted
 * and logged at most once per interval.</li>
 * <li>Events go to a bounded number of calls in flight; a visitor's events go one at a
 * time, in the order they were sent. A worker thread starts calls for events that find a
 * call slot free; while every slot is taken, the end of a call starts the next one on the
 * thread that completed it, and {@code send} wakes nobody.</li>
 * <li>5xx, 429 and connection failures are retried with the {@link RetryPolicy} (jittered
 * backoff, at least the {@code Retry-After} asked for). A visitor's browser ref is created
 * with {@code browser/create} when the {@link BrowserRefStore} knows none.</li>
 * <li>{@link #flush} waits for every event enqueued before it; {@link #stop()} drains
 * within the shutdown timeout, after the web server has stopped taking requests.</li>
 * <li>Every event {@code send} accepted ends counted exactly once: sent, failed, or
 * dropped. From the start of {@link #stop()} {@code send} refuses events (counted
 * dropped); events still queued or in flight when the shutdown timeout ran out are
 * cancelled and counted dropped, though Sitecore may have received one in flight.</li>
 * </ul>
 *
 * <p>
 * The scheduling is written by hand rather than with a Reactor operator: per-visitor
 * order with a global in-flight bound and flush markers needs one owner of the lanes. One
 * thread at a time owns them (Reactor's own work-in-progress counter pattern, as in
 * {@code flatMap}'s drain loop), which keeps every count exact without locks: the worker
 * thread when a {@code send} woke it, or the HTTP client thread that completed a call.
 * The latter matters for throughput: handing each completion to the worker and each new
 * call back to an event loop cost two thread wake-ups per event, which on a small machine
 * held the sender well below a plain {@code WebClient} (issue 23).
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CdpEventSender implements SmartLifecycle {

	/**
	 * Stopped after Spring Boot's web server (graceful shutdown at
	 * {@code DEFAULT_PHASE - 1024}, stop at {@code - 2048}): requests still running send
	 * their events before the queue drains.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	/** The most events a queue may hold; a larger {@code queueCapacity} is refused. */
	public static final int MAX_QUEUE_CAPACITY = (1 << 25) - 1;

	/** The most bytes a queue may hold (256 GiB); a larger {@code queueBytes} is refused. */
	public static final long MAX_QUEUE_BYTES = (1L << 38) - 1;

	/** Low bits of {@link #load} that count bytes; the events count in the 25 above them. */
	private static final int BYTES_BITS = 38;

	private static final long BYTES_MASK = MAX_QUEUE_BYTES;

	private static final Log logger = LogFactory.getLog(CdpEventSender.class);

	private static final Pattern REF = Pattern.compile("\"ref\"\\s*:\\s*\"([^\"]+)\"");

	private final StreamApi streamApi;

	private final RealtimeSettings realtime;

	private final EventUris uris;

	private final BrowserRefStore browserRefs;

	/** Whether the store is one the application declared, which may block. */
	private final boolean storeMayBlock;

	private final RetryPolicy retryPolicy;

	private final Settings settings;

	private final LongSupplier nanoTime;

	/**
	 * Events and flush markers not yet taken by the lanes' owner. Reactor's multi-producer
	 * queue: an offer is one atomic swap, where {@code ConcurrentLinkedQueue} retries a
	 * compare-and-set on its tail while other callers send. Its {@code poll} waits for an
	 * offer that has swapped but not yet linked its node, so it never misses an event whose
	 * {@code send} returned, the last sweep's included. That is a few instructions, unless
	 * the sending thread is descheduled between the two: then the reader (possibly an
	 * event loop) spins for that thread's time slice. Reactor's own sinks accept the same
	 * trade-off; measured under stress, polls over 0.5 ms were as rare as with
	 * {@code ConcurrentLinkedQueue}. It has one
	 * consumer, the lanes' owner; a {@code send} that must take its event back does it
	 * through the event's state ({@link Pending#takeBack()}), not by removing it.
	 */
	private final Queue<Object> intake = Queues.unboundedMultiproducer().get();

	/**
	 * Events enqueued and not yet settled (high bits) and their bytes (low
	 * {@value #BYTES_BITS} bits), in one word: checking and taking both bounds is one
	 * compare-and-set, where two counters cost every {@code send} two contended updates.
	 */
	private final AtomicLong load = new AtomicLong();

	/**
	 * Flush markers offered and not yet taken from the intake: while there is one, the lanes'
	 * owner takes the intake up to it even with every call slot taken, so that a flush that
	 * times out counts exactly the events enqueued before it.
	 */
	private final AtomicInteger markersWaiting = new AtomicInteger();

	private final LongAdder sent = new LongAdder();

	private final LongAdder dropped = new LongAdder();

	private final LongAdder failed = new LongAdder();

	private final AtomicLong droppedSinceLog = new AtomicLong();

	private final AtomicLong nextDropLog;

	/** Why the latest drop happened, for the next report. */
	private volatile String lastDropReason = "";

	private volatile int inFlight;

	private volatile boolean parked;

	private volatile boolean closing;

	private volatile boolean terminate;

	private volatile boolean running;

	private volatile @Nullable Thread worker;

	private volatile @Nullable Worker activeWorker;

	/**
	 * Create a sender that calls the Stream API through a {@link WebClient}, whose filters
	 * and observations then see every event's address, the event included; {@link #start()}
	 * starts its worker.
	 * @param webClient the client calls are made with (no token: the Stream API takes the
	 * client key)
	 * @param realtime the client key, point of sale and defaults
	 * @param browserRefs where visitors' browser refs are kept
	 * @param retryPolicy how transient failures are retried
	 * @param settings bounds and timeouts
	 * @param nanoTime the monotonic clock of the drop-log interval
	 */
	public CdpEventSender(WebClient webClient, RealtimeSettings realtime, BrowserRefStore browserRefs,
			RetryPolicy retryPolicy, Settings settings, LongSupplier nanoTime) {
		this(new WebClientStreamApi(webClient), realtime, browserRefs, retryPolicy, settings, nanoTime);
	}

	/**
	 * Create a sender that calls the Stream API straight through Reactor Netty, as the
	 * auto-configured one does: cheaper per event than a {@code WebClient}, and no event's
	 * address reaches an observation or a trace; {@link #start()} starts its worker. A
	 * factory method rather than a constructor, so that code calling the
	 * {@code WebClient} constructor compiles without Reactor Netty.
	 * @param httpClient the client calls are made with (its proxy, TLS and timeouts; no
	 * token: the Stream API takes the client key)
	 * @param realtime the client key, point of sale and defaults
	 * @param browserRefs where visitors' browser refs are kept
	 * @param retryPolicy how transient failures are retried
	 * @param settings bounds and timeouts
	 * @param nanoTime the monotonic clock of the drop-log interval
	 * @return the sender, not started
	 */
	public static CdpEventSender overReactorNetty(HttpClient httpClient, RealtimeSettings realtime,
			BrowserRefStore browserRefs, RetryPolicy retryPolicy, Settings settings, LongSupplier nanoTime) {
		return new CdpEventSender(new ReactorNettyStreamApi(httpClient), realtime, browserRefs, retryPolicy, settings,
				nanoTime);
	}

	private CdpEventSender(StreamApi streamApi, RealtimeSettings realtime, BrowserRefStore browserRefs,
			RetryPolicy retryPolicy, Settings settings, LongSupplier nanoTime) {
		this.streamApi = streamApi;
		this.realtime = realtime;
		this.uris = new EventUris(realtime.baseUrl(), realtime.clientKey());
		this.browserRefs = browserRefs;
		this.storeMayBlock = !(browserRefs instanceof CaffeineBrowserRefStore);
		this.retryPolicy = retryPolicy;
		this.settings = settings;
		this.nanoTime = nanoTime;
		this.nextDropLog = new AtomicLong(nanoTime.getAsLong());
	}

	/**
	 * Check an event and enqueue it for a visitor. Never blocks.
	 * @param visitorKey the application's key of the visitor (a session id, a cookie
	 * value): events of one key are sent in order, with one browser ref
	 * @param event the event
	 * @return {@code true} if enqueued, {@code false} if dropped because the queue is full
	 * or the sender is stopping or stopped (counted in {@code sitecore.cdp.events.dropped})
	 * @throws InvalidCdpEventException when Sitecore would refuse or silently drop the
	 * event
	 */
	public boolean send(String visitorKey, CdpEvent event) {
		Objects.requireNonNull(visitorKey, "visitorKey");
		int size = CdpEventRules.check(event);
		if (this.closing) {
			drop("the sender is stopping or stopped");
			return false;
		}
		String full = admit(size);
		if (full != null) {
			drop(full);
			return false;
		}
		Pending pending = new Pending(visitorKey, event, size);
		this.intake.offer(pending);
		// Read after the offer: a stop that ended since the check above has a worker that
		// no longer takes events. Either this call takes the event back, or the worker's
		// last sweep counts it dropped; never neither (issue 23).
		if (this.terminate && pending.takeBack()) {
			release(pending);
			drop("the sender is stopped");
			return false;
		}
		// While every call slot is taken, the end of a call (which takes the intake) starts
		// the next one: waking the worker would only cost this caller a system call.
		if (this.inFlight < this.settings.maxInFlight()) {
			wake();
		}
		return true;
	}

	/**
	 * Count an event of {@code size} bytes in the queue if both bounds allow it.
	 * @return why the queue has no room, or {@code null} if the event was counted in
	 */
	private @Nullable String admit(int size) {
		long current = this.load.get();
		while (true) {
			long events = (current >>> BYTES_BITS) + 1;
			long bytes = (current & BYTES_MASK) + size;
			if (events > this.settings.queueCapacity()) {
				return "the queue holds " + this.settings.queueCapacity() + " events";
			}
			if (bytes > this.settings.queueBytes()) {
				return "the queue holds " + this.settings.queueBytes() + " bytes";
			}
			long witness = this.load.compareAndExchange(current, (events << BYTES_BITS) | bytes);
			if (witness == current) {
				return null;
			}
			current = witness;
		}
	}

	private int queued() {
		return (int) (this.load.get() >>> BYTES_BITS);
	}

	/**
	 * Wait until every event enqueued before this call is acknowledged by Sitecore or
	 * failed for good, or until the timeout passed.
	 * @param timeout the longest wait
	 * @return how many of those events are left
	 */
	public FlushResult flush(Duration timeout) {
		long end = System.nanoTime() + timeout.toNanos();
		Thread current = this.worker;
		if (current == null || !current.isAlive()) {
			// No worker, nothing would ever settle: say so at once instead of waiting.
			return new FlushResult(queued());
		}
		FlushMarker marker = new FlushMarker();
		this.markersWaiting.incrementAndGet();
		this.intake.offer(marker);
		wake();
		while (true) {
			long left = end - System.nanoTime();
			if (left <= 0 || !current.isAlive()) {
				long remaining = marker.remaining.get();
				return new FlushResult((remaining >= 0) ? remaining : queued());
			}
			try {
				marker.done.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
				return new FlushResult(0);
			}
			catch (TimeoutException ex) {
				// Checks the worker is alive, then waits on.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				long remaining = marker.remaining.get();
				return new FlushResult((remaining >= 0) ? remaining : queued());
			}
			catch (ExecutionException ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	/**
	 * Return events enqueued and not yet acknowledged or failed.
	 * @return the queue's depth, calls in flight included
	 */
	public int queueDepth() {
		return queued();
	}

	/**
	 * Return the calls in flight.
	 * @return the calls in flight
	 */
	public int inFlight() {
		return this.inFlight;
	}

	/**
	 * Return events Sitecore acknowledged.
	 * @return the count since start
	 */
	public long sentCount() {
		return this.sent.sum();
	}

	/**
	 * Return events dropped because the queue was full or the sender stopped.
	 * @return the count since start
	 */
	public long droppedCount() {
		return this.dropped.sum();
	}

	/**
	 * Return events that failed for good: refused by Sitecore, or still failing when the
	 * retries ran out.
	 * @return the count since start
	 */
	public long failedCount() {
		return this.failed.sum();
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		Thread previous = this.worker;
		if (previous != null && previous.isAlive()) {
			// The intake has one reader: the last worker's sweep must be over before a new
			// worker reads it (stop() waited for it, but only for 5 seconds).
			try {
				previous.join(TimeUnit.SECONDS.toMillis(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (previous.isAlive()) {
				throw new IllegalStateException("The event sender cannot start: its previous worker ("
						+ previous.getName() + ") is still counting the events left when it stopped");
			}
		}
		this.terminate = false;
		this.closing = false;
		Worker state = new Worker();
		this.activeWorker = state;
		Thread thread = new Thread(state, "sitecore-cdp-events");
		thread.setDaemon(true);
		this.worker = thread;
		this.running = true;
		thread.start();
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		// Refused from now on: events sent while draining would keep the drain going for
		// the whole timeout, and a flush covers only what was enqueued before it.
		this.closing = true;
		long start = System.nanoTime();
		long end = start + this.settings.shutdownTimeout().toNanos();
		int queuedAtStop = queued();
		long sentBefore = this.sent.sum();
		long failedBefore = this.failed.sum();
		if (queuedAtStop > 0) {
			logger.info("Sending the " + queuedAtStop + " queued event(s) before stopping, for at most "
					+ print(this.settings.shutdownTimeout()));
		}
		Thread thread = this.worker;
		boolean interruptedDrain = false;
		// Again while events are left: a send that passed the check before closing was set
		// may enqueue after the first flush began.
		while (queued() > 0 && thread != null && thread.isAlive()) {
			long left = end - System.nanoTime();
			// Interrupted, the caller wants the stop over: every flush would return at once,
			// and the loop would spin until the timeout, a new flush marker each turn.
			interruptedDrain = Thread.currentThread().isInterrupted();
			if (left <= 0 || interruptedDrain) {
				break;
			}
			if (flush(Duration.ofNanos(left)).completed() && queued() > 0) {
				// A send counted its event but has not offered it yet: let it run rather than
				// spin on a flush that has nothing to wait for.
				LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
			}
		}
		this.terminate = true;
		this.running = false;
		Worker state = this.activeWorker;
		if (thread != null) {
			LockSupport.unpark(thread);
			// The worker's last sweep only counts and cancels: it takes milliseconds, and is
			// waited for also by an interrupted stop, so that what it reports is exact.
			boolean interrupted = Thread.interrupted();
			try {
				thread.join(TimeUnit.SECONDS.toMillis(5));
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
			finally {
				if (interrupted) {
					Thread.currentThread().interrupt();
				}
			}
		}
		reportDrops(true);
		long abandoned = (state != null) ? state.abandoned : 0;
		if (abandoned > 0) {
			logger.warn("Stopped with " + abandoned + " event(s) not acknowledged by Sitecore "
					+ (interruptedDrain ? "when the stopping thread was interrupted"
							: "within " + print(this.settings.shutdownTimeout()))
					+ "; counted as dropped");
		}
		else if (queuedAtStop > 0) {
			// Counted since the stop began: whether the drain lost anything shows in the line itself.
			logger.info("Stopped with every queued event settled, after "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms: "
					+ (this.sent.sum() - sentBefore) + " sent, " + (this.failed.sum() - failedBefore) + " failed");
		}
		else {
			logger.debug("Stopped with every event acknowledged");
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void drop(String why) {
		this.dropped.increment();
		this.lastDropReason = why;
		this.droppedSinceLog.incrementAndGet();
		reportDrops(false);
	}

	/**
	 * Log the drops counted since the last report, once the interval has passed since it,
	 * or at once when {@code now}. Called on every drop, by the worker on each of its turns
	 * (so that drops are reported within an interval even when no drop follows them) and on
	 * stop (so that none goes unreported).
	 */
	private void reportDrops(boolean now) {
		if (this.droppedSinceLog.get() == 0) {
			return;
		}
		long time = this.nanoTime.getAsLong();
		long next = this.nextDropLog.get();
		if ((now || time - next >= 0)
				&& this.nextDropLog.compareAndSet(next, time + this.settings.dropLogInterval().toNanos())) {
			long count = this.droppedSinceLog.getAndSet(0);
			if (count > 0) {
				logger.warn("Dropped " + count + " event(s) since the last report; the latest because "
						+ this.lastDropReason);
			}
		}
	}

	/** As the property is written: {@code 20s}, or {@code 1500ms} when not whole seconds. */
	private static String print(Duration duration) {
		return DurationStyle.SIMPLE.print(duration, (duration.getNano() == 0) ? ChronoUnit.SECONDS : ChronoUnit.MILLIS);
	}

	private void release(Pending pending) {
		this.load.addAndGet(-((1L << BYTES_BITS) | pending.size));
	}

	private void wake() {
		if (this.parked) {
			Thread thread = this.worker;
			if (thread != null) {
				LockSupport.unpark(thread);
			}
		}
	}

	private Mono<Void> call(Pending pending) {
		return browserRef(pending.visitorKey).flatMap((ref) -> createEvent(ref, pending.event)
			.onErrorResume(WebClientResponseException.NotFound.class,
					// Sitecore no longer knows the browser: a new one keeps the event.
					(ex) -> onStoreThread(storeRun(() -> this.browserRefs.forget(pending.visitorKey)))
						.then(browserRef(pending.visitorKey))
						.flatMap((fresh) -> createEvent(fresh, pending.event))));
	}

	private Mono<String> browserRef(String visitorKey) {
		return onStoreThread(Mono.defer(() -> {
			String known;
			try {
				known = this.browserRefs.find(visitorKey);
			}
			catch (Throwable ex) {
				return storeFailed(ex);
			}
			if (known != null) {
				return Mono.just(known);
			}
			Mono<String> create = this.streamApi.read(this.uris.browserCreate())
				// An empty answer would otherwise end the call as if the event had been sent.
				.switchIfEmpty(Mono.error(() -> new IllegalStateException("browser/create answered without a ref")))
				.map((body) -> {
					Matcher ref = REF.matcher(body);
					if (!ref.find()) {
						throw new IllegalStateException("browser/create answered without a ref");
					}
					return ref.group(1);
				});
			return this.retryPolicy.apply("events.browser", create)
				.flatMap((ref) -> onStoreThread(storeRun(() -> this.browserRefs.save(visitorKey, ref)))
					.thenReturn(ref));
		}));
	}

	/**
	 * Where the store is called: the default store on any thread (a Caffeine lookup), a
	 * store the application declared on Reactor's bounded elastic threads, where it may
	 * block (a shared store behind a blocking client). Calls start on the HTTP client's
	 * event loops, which must never block and on which Reactor refuses {@code block()}.
	 */
	private <T> Mono<T> onStoreThread(Mono<T> storeCall) {
		return this.storeMayBlock ? storeCall.subscribeOn(Schedulers.boundedElastic()) : storeCall;
	}

	private static Mono<Void> storeRun(Runnable storeCall) {
		return Mono.defer(() -> {
			try {
				storeCall.run();
				return Mono.empty();
			}
			catch (Throwable ex) {
				return storeFailed(ex);
			}
		});
	}

	/**
	 * What a store threw, as the call's error, a {@code LinkageError} included (a store
	 * whose client library is missing from the class path): Reactor rethrows those out of
	 * {@code subscribe} as fatal, which would leave the call without an end, its event
	 * never counted and its call slot taken for good.
	 */
	private static <T> Mono<T> storeFailed(Throwable ex) {
		if (ex instanceof VirtualMachineError error) {
			throw error;
		}
		return Mono.error(ex);
	}

	private Mono<Void> createEvent(String browserRef, CdpEvent event) {
		return Mono.defer(() -> {
			Map<String, @Nullable Object> message = new LinkedHashMap<>();
			message.put("channel", (event.channel() != null) ? event.channel().name() : this.realtime.channel().name());
			message.put("type", event.type());
			message.put("language", (event.language() != null) ? event.language() : this.realtime.language());
			message.put("currency", (event.currency() != null) ? event.currency() : this.realtime.currency());
			message.put("page", event.page());
			message.put("pos", this.realtime.pointOfSale());
			message.put("browser_id", browserRef);
			message.putAll(event.fields());
			if (!event.ext().isEmpty()) {
				message.put("ext", event.ext());
			}
			String uri = this.uris.eventCreate(EventJson.write(message));
			return this.retryPolicy.apply("events.send", this.streamApi.send(uri));
		});
	}

	/**
	 * The lanes (one per visitor with events), the calls in flight and the flush markers,
	 * owned by one thread at a time through {@link #drain()}, so that none of them needs a
	 * lock. An event is counted (sent, failed or dropped) by whoever
	 * {@link Pending#claim() claims} it first: the call's end or the worker's last sweep.
	 */
	private final class Worker implements Runnable {

		/** Calls ended, offered by the threads that ended them, taken by the lanes' owner. */
		private final Queue<Pending> settled = Queues.<Pending>unboundedMultiproducer().get();

		/** Drains asked for since the running one began; the lanes' owner is whoever raised it from 0. */
		private final AtomicInteger wip = new AtomicInteger();

		volatile long abandoned;

		private final Map<String, ArrayDeque<Pending>> lanes = new HashMap<>();

		private final ArrayDeque<ArrayDeque<Pending>> ready = new ArrayDeque<>();

		private final List<FlushMarker> markers = new ArrayList<>();

		private long taken;

		private long held;

		private int calls;

		@Override
		public void run() {
			try {
				while (!CdpEventSender.this.terminate) {
					try {
						reportDrops(false);
						// Announced before the drain: a send after this wakes us (the park then
						// returns at once), a send before it is in the intake for the drain,
						// whoever runs it, to take when a slot is free.
						CdpEventSender.this.parked = true;
						drain();
						if (!CdpEventSender.this.terminate) {
							LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
						}
					}
					catch (Throwable ex) {
						if (ex instanceof VirtualMachineError error) {
							throw error;
						}
						logger.error("The event worker failed; it goes on with the next event", ex);
					}
					finally {
						CdpEventSender.this.parked = false;
					}
				}
			}
			finally {
				// Owned for good from here, also when the worker dies of a VirtualMachineError:
				// no drain runs after the sweep (the intake has one reader, and a worker started
				// later is the next), and late ends of calls find their events claimed by it.
				// A worker that died leaves a stopped sender: from here send takes back what it
				// enqueues and counts it dropped, rather than leave it queued uncounted.
				if (!CdpEventSender.this.terminate) {
					logger.error("The event worker died; events are dropped from now on, until the sender is "
							+ "started again");
					CdpEventSender.this.terminate = true;
				}
				while (!this.wip.compareAndSet(0, 1)) {
					LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
				}
				sweep();
			}
		}

		/**
		 * Run the steps on this thread until none is left, unless another thread runs them:
		 * that one then goes round once more, so that nothing offered before this call is
		 * left behind.
		 */
		void drain() {
			if (this.wip.getAndIncrement() != 0) {
				return;
			}
			int missed = 1;
			do {
				try {
					while (step()) {
						// Until nothing moves.
					}
				}
				catch (Throwable ex) {
					if (ex instanceof VirtualMachineError error) {
						// Released, not wedged: the worker's next turn drains again.
						this.wip.set(0);
						throw error;
					}
					logger.error("The event worker failed; it goes on with the next event", ex);
				}
				missed = this.wip.addAndGet(-missed);
			}
			while (missed != 0);
		}

		/**
		 * Count as dropped every event still queued, waiting in a lane or in flight, and
		 * cancel the calls in flight; {@code send} takes back what it enqueues after this.
		 */
		private void sweep() {
			long count = 0;
			for (ArrayDeque<Pending> lane : this.lanes.values()) {
				for (Pending pending : lane) {
					Disposable call = pending.call;
					if (call != null) {
						call.dispose();
					}
					if (pending.claim()) {
						release(pending);
						count++;
					}
				}
			}
			this.lanes.clear();
			this.ready.clear();
			this.calls = 0;
			CdpEventSender.this.inFlight = 0;
			Object next;
			while ((next = CdpEventSender.this.intake.poll()) != null) {
				if (next instanceof FlushMarker) {
					CdpEventSender.this.markersWaiting.decrementAndGet();
				}
				else if (next instanceof Pending pending && pending.claim()) {
					release(pending);
					count++;
				}
			}
			CdpEventSender.this.dropped.add(count);
			this.abandoned = count;
		}

		private boolean step() {
			boolean progressed = false;
			Pending done;
			boolean ended = false;
			while ((done = this.settled.poll()) != null) {
				progressed = true;
				ended = true;
				this.calls--;
				CdpEventSender.this.inFlight = this.calls;
				settle(done);
				ArrayDeque<Pending> lane = this.lanes.get(done.visitorKey);
				if (lane != null) {
					lane.poll();
					if (lane.isEmpty()) {
						this.lanes.remove(done.visitorKey);
					}
					else {
						this.ready.add(lane);
					}
				}
			}
			Object next;
			// All of it when a call ended (its thread moves the events into lanes, so that
			// visitors take turns for the slots) or while a flush marker waits in it (its
			// count must be of the events before it); otherwise only until there is a visitor
			// for each free slot. So while no call ends (a stalled API) events wait in the
			// intake, where they cost nothing more: moving them every 100 ms was the worker's
			// work on a core the callers of send share, and from 8 threads on 2 cores their
			// p99 fell from 1.2-1.7 us to 0.72-1.03 us without it (EventSendBenchmark).
			while ((ended || this.ready.size() < CdpEventSender.this.settings.maxInFlight() - this.calls
					|| CdpEventSender.this.markersWaiting.get() > 0)
					&& (next = CdpEventSender.this.intake.poll()) != null) {
				progressed = true;
				if (next instanceof FlushMarker marker) {
					CdpEventSender.this.markersWaiting.decrementAndGet();
					marker.upTo = this.taken;
					marker.remaining.set(this.held);
					if (this.held == 0) {
						marker.done.complete(null);
					}
					else {
						this.markers.add(marker);
					}
					continue;
				}
				Pending pending = (Pending) next;
				if (!pending.take()) {
					// Taken back by its send, which found the sender stopped.
					continue;
				}
				pending.sequence = ++this.taken;
				this.held++;
				ArrayDeque<Pending> lane = this.lanes.get(pending.visitorKey);
				if (lane == null) {
					lane = new ArrayDeque<>();
					this.lanes.put(pending.visitorKey, lane);
					this.ready.add(lane);
				}
				lane.add(pending);
			}
			while (this.calls < CdpEventSender.this.settings.maxInFlight() && !this.ready.isEmpty()
					&& !CdpEventSender.this.terminate) {
				progressed = true;
				Pending head = this.ready.poll().peek();
				this.calls++;
				CdpEventSender.this.inFlight = this.calls;
				start(head);
			}
			return progressed;
		}

		private void start(Pending pending) {
			try {
				pending.call = call(pending).subscribe(null, (ex) -> finished(pending, ex),
						() -> finished(pending, null));
			}
			catch (Throwable ex) {
				if (ex instanceof VirtualMachineError error) {
					throw error;
				}
				// Thrown out of subscribe (Reactor rethrows a LinkageError as fatal): the call
				// never ends by itself, so it ends here, counted failed, and frees its slot.
				finished(pending, ex);
			}
		}

		private void finished(Pending pending, @Nullable Throwable failure) {
			if (!pending.claim()) {
				// Cancelled by the last sweep, and counted dropped there.
				return;
			}
			release(pending);
			if (failure == null) {
				CdpEventSender.this.sent.increment();
			}
			else {
				CdpEventSender.this.failed.increment();
				logger.warn("A " + pending.event.type() + " event was not accepted by Sitecore: "
						+ RetryPolicy.describe(failure));
			}
			this.settled.offer(pending);
			drain();
		}

		private void settle(Pending pending) {
			this.held--;
			Iterator<FlushMarker> iterator = this.markers.iterator();
			while (iterator.hasNext()) {
				FlushMarker marker = iterator.next();
				if (pending.sequence <= marker.upTo && marker.remaining.decrementAndGet() == 0) {
					marker.done.complete(null);
					iterator.remove();
				}
			}
		}

	}

	private static final class Pending {

		private static final AtomicIntegerFieldUpdater<Pending> STATE = AtomicIntegerFieldUpdater
			.newUpdater(Pending.class, "state");

		/** In the intake. */
		private static final int QUEUED = 0;

		/** Taken by the lanes' owner: in a lane or in flight. */
		private static final int TAKEN = 1;

		/** Counted as sent, failed or dropped, by whoever got here first. */
		private static final int COUNTED = 2;

		final String visitorKey;

		final CdpEvent event;

		final int size;

		long sequence;

		@Nullable Disposable call;

		volatile int state;

		Pending(String visitorKey, CdpEvent event, int size) {
			this.visitorKey = visitorKey;
			this.event = event;
			this.size = size;
		}

		/** By the lanes' owner as it takes the event: false if its send took it back. */
		boolean take() {
			return STATE.compareAndSet(this, QUEUED, TAKEN);
		}

		/** By its send, once the sender stopped: true if the lanes' owner never took it. */
		boolean takeBack() {
			return STATE.compareAndSet(this, QUEUED, COUNTED);
		}

		/** Whether this caller is the one to count the event: true once only. */
		boolean claim() {
			int current;
			while ((current = this.state) != COUNTED) {
				if (STATE.compareAndSet(this, current, COUNTED)) {
					return true;
				}
			}
			return false;
		}

	}

	private static final class FlushMarker {

		final CompletableFuture<@Nullable Void> done = new CompletableFuture<>();

		final AtomicLong remaining = new AtomicLong(-1);

		long upTo;

	}

	/**
	 * Bounds and timeouts of a sender.
	 *
	 * @param queueCapacity the most events enqueued and not yet settled
	 * @param queueBytes the most bytes (estimated) of events enqueued and not yet settled
	 * @param maxInFlight the most calls to Sitecore at once
	 * @param shutdownTimeout the longest wait for the queue to drain on stop
	 * @param dropLogInterval the shortest time between two warnings about dropped events
	 */
	public record Settings(int queueCapacity, long queueBytes, int maxInFlight, Duration shutdownTimeout,
			Duration dropLogInterval) {

		public Settings {
			if (queueCapacity < 1 || queueBytes < 1 || maxInFlight < 1) {
				throw new IllegalArgumentException("queueCapacity, queueBytes and maxInFlight must be at least 1");
			}
			if (queueCapacity > MAX_QUEUE_CAPACITY || queueBytes > MAX_QUEUE_BYTES) {
				throw new IllegalArgumentException("queueCapacity is at most " + MAX_QUEUE_CAPACITY
						+ " and queueBytes at most " + MAX_QUEUE_BYTES + "; they are " + queueCapacity + " and "
						+ queueBytes);
			}
		}

	}

}

package io.github.sitecorecdp.token.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.github.sitecorecdp.token.CdpTokenSource;
import io.github.sitecorecdp.token.CdpTokenStore;
import io.github.sitecorecdp.token.TokenPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Shares each registration's token with every instance of the application through Redis
 * ({@code sitecore.cdp.token.store=redis}). One Redis connection factory (the
 * application's) serves every registration.
 *
 * <p>
 * Instances wait for another instance's token request on a Redis stream: the instance that
 * got the token adds the entry's name to the stream once it is stored, and the waiters are
 * blocked in {@code XREAD} until then, at most one command timeout at a time, after which
 * they look at the entry and the lock again (a holder that died leaves no event). A stream rather than pub/sub:
 * every waiter sees every event from the position it read before looking at the entry, so
 * none is missed, and there is no subscription to keep alive, recover or shut down (Spring
 * Data Redis's listener container could block a context's shutdown while it recovered
 * from a Redis outage). Every Redis command is bounded by
 * {@code sitecore.cdp.token.redis.timeout}, so a slow or stopped Redis turns into the
 * instance getting its own token, never into a failed or stalled API call.
 *
 * <p>
 * Shared entries are judged on Redis's clock ({@code TIME}), so that no instance's clock
 * skew matters. A clock that simulates time as a whole (one that also implements
 * {@link LongSupplier}, as the test kit's {@code MutableClock} does) stands in for Redis's
 * clock, so that every instance of a test lives in the same simulated time.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class RedisTokenStore implements CdpTokenStore, SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisTokenStore.class);

	/** Events kept in the stream; waiters need only the ones since they looked. */
	private static final long EVENTS_KEPT = 100;

	private static final String FIRST_EVENT = "0-0";

	private final StringRedisTemplate redis;

	private final String keyPrefix;

	private final Duration timeout;

	private final Clock clock;

	private final String events;

	/**
	 * Where token fetches run: they block on Redis and on each other, so never on Reactor's
	 * shared workers, where twenty blocked callers would starve the fetch they wait for.
	 * One fetch at a time per registration (the manager's single flight).
	 */
	private final Scheduler fetches = Schedulers.newBoundedElastic(16, 1_000, "sitecore-cdp-token-fetch", 60, true);

	/**
	 * Where Redis commands run, each bounded by the timeout: a command to a Redis that is
	 * gone can block for the client library's own timeout (a minute by default with
	 * Lettuce). Plain futures, so that a command given up on is cancelled quietly, and a
	 * full pool counts as Redis being unavailable.
	 */
	private final ThreadPoolExecutor commands = new ThreadPoolExecutor(0, 32, 60, TimeUnit.SECONDS,
			new SynchronousQueue<>(), (runnable) -> {
				Thread thread = new Thread(runnable, "sitecore-cdp-redis");
				thread.setDaemon(true);
				return thread;
			});

	/** Renews the leases of the locks this instance holds. */
	private final ScheduledThreadPoolExecutor renewals;

	/**
	 * How often Redis is asked in the background whether it answers, so that health and the
	 * shared gauge say within seconds that Redis went away or came back, without waiting
	 * for the next token fetch (which can be a day away) or for a health check to ask.
	 */
	static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);

	/**
	 * Asks Redis every {@link #PROBE_INTERVAL} while the store runs. A thread of its own:
	 * a probe to a Redis that is gone blocks for the command timeout, which must delay no
	 * lease renewal.
	 */
	private final ScheduledThreadPoolExecutor probes;

	/** What each registration does with the answer of a probe. */
	private final List<Runnable> probed = new CopyOnWriteArrayList<>();

	private volatile @Nullable ScheduledFuture<?> probing;

	/** The locks this instance holds, by key, with their owner value: released on shutdown. */
	private final Map<String, String> held = new ConcurrentHashMap<>();

	/**
	 * Stopped just before the Redis connection: a context stops every lifecycle bean
	 * (Lettuce's and Jedis's factories are ones, in phase 0) before it destroys any bean,
	 * so {@link #destroy()} would find the connection closed and leave the lock to its
	 * lease.
	 */
	private final int phase;

	private volatile boolean running;

	/**
	 * Create a new instance.
	 * @param connectionFactory the application's Redis connection
	 * @param keyPrefix the start of every key
	 * @param timeout the longest one Redis command may take before the instance gets its
	 * own token
	 * @param clock the clock of token lifetimes and backoffs
	 */
	public RedisTokenStore(RedisConnectionFactory connectionFactory, String keyPrefix, Duration timeout, Clock clock) {
		this.redis = new StringRedisTemplate(connectionFactory);
		this.keyPrefix = keyPrefix;
		this.timeout = timeout;
		this.clock = clock;
		this.events = keyPrefix + ":token-events";
		this.renewals = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "sitecore-cdp-redis-lease");
			thread.setDaemon(true);
			return thread;
		});
		this.renewals.setRemoveOnCancelPolicy(true);
		this.probes = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "sitecore-cdp-redis-probe");
			thread.setDaemon(true);
			return thread;
		});
		this.probes.setRemoveOnCancelPolicy(true);
		int connectionPhase = (connectionFactory instanceof SmartLifecycle lifecycle) ? lifecycle.getPhase() : 0;
		this.phase = (connectionPhase < Integer.MAX_VALUE) ? connectionPhase + 1 : connectionPhase;
	}

	@Override
	public CdpTokenSource sourceFor(Registration registration, CdpTokenSource endpoint, TokenPolicy policy) {
		RedisSharedTokenSource source = new RedisSharedTokenSource(this, TokenSeal.of(this.keyPrefix, registration),
				registration.label(), endpoint, policy, this.clock);
		this.probed.add(source::probe);
		return source;
	}

	/**
	 * Open the connection in the background, so that the first token request does not pay
	 * for connecting within the command timeout. Never fails: Redis may be down at
	 * startup.
	 */
	public void warmUp() {
		try {
			this.commands.execute(() -> {
				try {
					this.redis.hasKey(this.events);
				}
				catch (RuntimeException ex) {
					logger.debug("Redis token store not reachable at startup: " + ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// Warming up is only a courtesy.
		}
	}

	/**
	 * The position of the latest event. Read before the entry, so that an event of a change
	 * stored after that read is never missed.
	 */
	String lastEvent() {
		List<MapRecord<String, Object, Object>> last;
		try {
			last = call(() -> this.redis.opsForStream()
				.reverseRange(this.events, Range.unbounded(), Limit.limit().count(1)));
		}
		catch (RedisUnavailableException ex) {
			if (ex.isWrongType()) {
				// Something else lies under the stream's name: publish() replaces it.
				return FIRST_EVENT;
			}
			throw ex;
		}
		return (last == null || last.isEmpty()) ? FIRST_EVENT : last.get(0).getId().getValue();
	}

	/** Say that an entry changed. */
	void publish(String entry) {
		Supplier<@Nullable Object> add = () -> {
			this.redis.opsForStream().add(StreamRecords.string(Map.of("entry", entry)).withStreamKey(this.events));
			this.redis.opsForStream().trim(this.events, EVENTS_KEPT, true);
			return null;
		};
		try {
			call(add);
		}
		catch (RedisUnavailableException ex) {
			if (!ex.isWrongType()) {
				throw ex;
			}
			call(() -> this.redis.delete(this.events));
			call(add);
		}
	}

	/**
	 * Wait until an event follows the given position, or for at most the time given and
	 * never longer than the command timeout, so that a blocked read never outlasts the
	 * Redis client's own timeout. The caller reads the entry again after each wait, so a
	 * lost event or a holder that died costs at most one wait, and a failed read only ends
	 * the wait early (the next read tells whether Redis is there).
	 */
	void awaitEvent(String after, Duration wait) {
		Duration slice = Duration.ofMillis(Math.max(1, Math.min(wait.toMillis(), this.timeout.toMillis())));
		try {
			call(() -> this.redis.opsForStream()
				.read(StreamReadOptions.empty().block(slice).count(EVENTS_KEPT),
						StreamOffset.create(this.events, ReadOffset.from(after))), slice.plus(this.timeout));
		}
		catch (RedisUnavailableException ex) {
			// Read the entry again.
		}
	}

	/**
	 * The time on the fleet's clock: Redis's, or a clock that simulates time for a test.
	 * @return epoch milliseconds
	 */
	long fleetMillis() {
		if (this.clock instanceof LongSupplier) {
			return this.clock.millis();
		}
		Long time = call(() -> this.redis
			.execute((RedisCallback<Long>) (connection) -> connection.serverCommands().time(TimeUnit.MILLISECONDS)));
		if (time == null) {
			throw new RedisUnavailableException("no answer to TIME", new IllegalStateException("TIME"));
		}
		return time;
	}

	/**
	 * How long a token lock lives unless renewed: three Redis timeouts, at least two
	 * seconds.
	 */
	Duration lease() {
		Duration lease = this.timeout.multipliedBy(3);
		return (lease.compareTo(Duration.ofSeconds(2)) < 0) ? Duration.ofSeconds(2) : lease;
	}

	/**
	 * Record a lock this instance took, and renew its lease every third of it until the
	 * returned action runs.
	 * @param key the lock's key
	 * @param owner the lock's value, this instance's
	 * @param renew renews the lease if the lock is still this owner's
	 * @return what stops the renewals and forgets the lock
	 */
	Runnable hold(String key, String owner, Consumer<String> renew) {
		this.held.put(key, owner);
		long every = Math.max(1, lease().toMillis() / 3);
		ScheduledFuture<?> renewing;
		try {
			renewing = this.renewals.scheduleWithFixedDelay(() -> renew.accept(owner), every, every,
					TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closing: the lock is released by destroy().
			return () -> this.held.remove(key, owner);
		}
		return () -> {
			renewing.cancel(false);
			this.held.remove(key, owner);
		};
	}

	Scheduler fetches() {
		return this.fetches;
	}

	StringRedisTemplate redis() {
		return this.redis;
	}

	Duration timeout() {
		return this.timeout;
	}

	/**
	 * Run one Redis command within the time limit.
	 * @throws RedisUnavailableException if Redis fails or does not answer in time
	 */
	<T> @Nullable T call(Supplier<@Nullable T> command) {
		return call(command, this.timeout);
	}

	private <T> @Nullable T call(Supplier<@Nullable T> command, Duration limit) {
		Future<@Nullable T> answer;
		try {
			answer = this.commands.submit(command::get);
		}
		catch (RejectedExecutionException ex) {
			throw new RedisUnavailableException("too many Redis commands waiting", ex);
		}
		try {
			return answer.get(limit.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			answer.cancel(true);
			throw new RedisUnavailableException("no answer within " + limit.toMillis() + " ms", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			// The innermost cause says why (such as a refused password), the outer one only
			// that connecting failed.
			Throwable root = NestedExceptionUtils.getMostSpecificCause(cause);
			throw new RedisUnavailableException(
					String.valueOf(cause) + ((root != cause) ? "; cause: " + root : ""), cause);
		}
		catch (InterruptedException ex) {
			// The caller gave up (the manager's watchdog): not a sign of Redis being down.
			answer.cancel(true);
			Thread.currentThread().interrupt();
			throw new CancellationException("Interrupted while waiting for Redis");
		}
	}

	/** Start asking Redis in the background; the first probe comes one interval in. */
	@Override
	public void start() {
		this.running = true;
		long every = PROBE_INTERVAL.toMillis();
		try {
			this.probing = this.probes.scheduleWithFixedDelay(this::probeAll, every, every, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Destroyed already: nothing to probe for.
		}
	}

	/**
	 * Release the locks this instance holds while the Redis connection still works, so
	 * that another instance takes over at once rather than after a lease. A token request
	 * under way goes on until {@link #destroy()} interrupts it.
	 */
	/**
	 * Run every registration's probe. A scheduled task that throws is never run again, so
	 * one probe's unexpected failure must neither end the probing nor skip the others.
	 */
	private void probeAll() {
		for (Runnable probe : this.probed) {
			try {
				probe.run();
			}
			catch (RuntimeException ex) {
				logger.debug("Redis probe failed", ex);
			}
		}
	}

	@Override
	public void stop() {
		this.running = false;
		// Before the Redis connection stops: a probe after it would report a false outage.
		ScheduledFuture<?> probing = this.probing;
		if (probing != null) {
			probing.cancel(false);
		}
		releaseHeldLocks();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

	/**
	 * Release the locks this instance still holds (when it is not run by a context, or took
	 * one after {@link #stop()}), then stop the threads, which interrupts a token request
	 * under way.
	 */
	@Override
	public void destroy() {
		this.probes.shutdownNow();
		this.renewals.shutdownNow();
		releaseHeldLocks();
		this.fetches.dispose();
		this.commands.shutdownNow();
	}

	private void releaseHeldLocks() {
		this.held.forEach((key, owner) -> {
			try {
				call(() -> this.redis.execute(RedisSharedTokenSource.UNLOCK, Collections.singletonList(key), owner));
				publish(key);
			}
			catch (RuntimeException ex) {
				// The lease ends it by itself.
				logger.debug("Could not release token lock on shutdown: " + ex);
			}
			this.held.remove(key, owner);
		});
	}

	@Override
	public String toString() {
		return "RedisTokenStore[" + this.keyPrefix + "]";
	}

	/** Redis failed or did not answer in time. */
	static final class RedisUnavailableException extends RuntimeException {

		RedisUnavailableException(String message, Throwable cause) {
			super(message, cause);
		}

		/** Whether a key of ours holds another type of value: ours to replace, not an outage. */
		boolean isWrongType() {
			for (Throwable cause = getCause(); cause != null; cause = cause.getCause()) {
				if (String.valueOf(cause.getMessage()).contains("WRONGTYPE")) {
					return true;
				}
			}
			return false;
		}

	}

}

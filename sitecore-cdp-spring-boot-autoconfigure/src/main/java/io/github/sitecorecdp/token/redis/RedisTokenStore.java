package io.github.sitecorecdp.token.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.github.sitecorecdp.token.CdpTokenSource;
import io.github.sitecorecdp.token.CdpTokenStore;
import io.github.sitecorecdp.token.TokenPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Shares each registration's token with every instance of the application through Redis
 * ({@code sitecore.cdp.token.store=redis}). One Redis connection factory (the
 * application's) serves every registration.
 *
 * <p>
 * Instances wait for another instance's token request on a Redis stream, not by polling:
 * the instance that got the token adds the entry's name to the stream once it is stored,
 * and the waiters are blocked in {@code XREAD} until then. A stream rather than pub/sub:
 * every waiter sees every event from the position it read before looking at the entry, so
 * none is missed, and there is no subscription to keep alive, recover or shut down (Spring
 * Data Redis's listener container could block a context's shutdown while it recovered
 * from a Redis outage). Every Redis command is bounded by
 * {@code sitecore.cdp.token.redis.timeout}, so a slow or stopped Redis turns into the
 * instance getting its own token, never into a failed or stalled API call.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class RedisTokenStore implements CdpTokenStore, DisposableBean {

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
	 * Where Redis commands run: threads of the store's own, because the callers already
	 * run on Reactor's shared bounded-elastic workers, and commands queued behind their own
	 * callers there would time out (twenty waiting callers filled the two-core default).
	 */
	private final Scheduler commands = Schedulers.newBoundedElastic(64, 10_000, "sitecore-cdp-redis", 60, true);

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
	}

	@Override
	public CdpTokenSource sourceFor(Registration registration, CdpTokenSource endpoint, TokenPolicy policy) {
		return new RedisSharedTokenSource(this, TokenSeal.of(this.keyPrefix, registration), registration.label(),
				endpoint, policy, this.clock);
	}

	/**
	 * Open the connection in the background, so that the first token request does not pay
	 * for connecting within the command timeout. Never fails: Redis may be down at
	 * startup.
	 */
	public void warmUp() {
		Mono.fromRunnable(() -> this.redis.hasKey(this.events))
			.subscribeOn(this.commands)
			.subscribe(null, (ex) -> logger.debug("Redis token store not reachable at startup: " + ex));
	}

	/**
	 * The position of the latest event. Read before the entry, so that an event of a change
	 * stored after that read is never missed.
	 */
	String lastEvent() {
		List<MapRecord<String, Object, Object>> last = call(() -> this.redis.opsForStream()
			.reverseRange(this.events, Range.unbounded(), Limit.limit().count(1)));
		return (last == null || last.isEmpty()) ? FIRST_EVENT : last.get(0).getId().getValue();
	}

	/** Say that an entry changed. */
	void publish(String entry) {
		call(() -> {
			this.redis.opsForStream().add(StreamRecords.string(Map.of("entry", entry)).withStreamKey(this.events));
			this.redis.opsForStream().trim(this.events, EVENTS_KEPT, true);
			return null;
		});
	}

	/**
	 * Wait until an entry changed after the given position, or the time is up. In slices
	 * no longer than the command timeout, so that a blocked read never outlasts the Redis
	 * client's own timeout; a failed read only ends the wait early (the caller reads the
	 * entry again, which tells whether Redis is there).
	 */
	void awaitEvent(String after, String entry, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		String position = after;
		while (true) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return;
			}
			Duration slice = Duration.ofMillis(Math.max(1, Math.min(Duration.ofNanos(left).toMillis(),
					this.timeout.toMillis())));
			String from = position;
			List<MapRecord<String, Object, Object>> read;
			try {
				read = call(() -> this.redis.opsForStream()
					.read(StreamReadOptions.empty().block(slice).count(EVENTS_KEPT),
							StreamOffset.create(this.events, ReadOffset.from(from))), slice.plus(this.timeout));
			}
			catch (RedisUnavailableException ex) {
				return;
			}
			if (read != null) {
				for (MapRecord<String, Object, Object> event : read) {
					if (entry.equals(event.getValue().get("entry"))) {
						return;
					}
					position = event.getId().getValue();
				}
			}
		}
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
		try {
			// On a thread of its own: a command to a Redis that is gone can block for the
			// client library's own timeout (a minute by default with Lettuce).
			return Mono.fromSupplier(command).subscribeOn(this.commands).timeout(limit).block();
		}
		catch (RuntimeException ex) {
			Throwable cause = (ex.getCause() instanceof TimeoutException) ? ex.getCause() : ex;
			throw new RedisUnavailableException(
					(cause instanceof TimeoutException) ? "no answer within " + limit : String.valueOf(cause), cause);
		}
	}

	/** Stop the command threads. */
	@Override
	public void destroy() {
		this.commands.dispose();
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

	}

}

package io.github.sitecorecdp.token.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.github.sitecorecdp.token.CdpCredentialsRejectedException;
import io.github.sitecorecdp.token.CdpTokenEndpointUnreachableException;
import io.github.sitecorecdp.token.CdpTokenException;
import io.github.sitecorecdp.token.CdpTokenOrigin;
import io.github.sitecorecdp.token.CdpTokenSource;
import io.github.sitecorecdp.token.CdpTokenStoreState;
import io.github.sitecorecdp.token.TokenPolicy;
import io.github.sitecorecdp.token.redis.RedisTokenStore.RedisUnavailableException;
import io.github.sitecorecdp.token.redis.SharedEntries.FleetBackoff;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * One registration's tokens, shared by the fleet through Redis. The instance's
 * {@code CdpAccessTokenManager} still keeps the token in memory and asks this source only
 * on a cold start, a refresh or after a refused token, one request at a time; this source
 * makes that one request count for the whole fleet:
 * <ul>
 * <li><b>Read first.</b> A token in Redis that is not stale and is not the one the
 * instance wants replaced is taken as it is: after one instance refreshed, or replaced a
 * refused token, the others take its token instead of requesting their own.</li>
 * <li><b>One request for the fleet.</b> Otherwise the instance that takes the
 * registration's lock (SET NX) asks the token endpoint, stores the token and adds the
 * entry's name to the registration's event stream; the others wait for that event in
 * blocking reads of at most the Redis timeout each, and after each read look at the entry
 * and the lock again.</li>
 * <li><b>A short lease.</b> The lock lives a few seconds and its holder renews it while it
 * works, so a holder that was killed frees it within one lease and one waiter (SET NX)
 * takes over; a holder that stops gracefully releases it at once.</li>
 * <li><b>One clock.</b> A shared entry's instants are on Redis's clock ({@code TIME}), and
 * each instance converts them with its own offset to Redis when it reads or writes one, so
 * no instance's clock skew makes it send an expired token or refuse a fresh one.</li>
 * <li><b>Fleet backoff.</b> A failed request that the endpoint answered (a {@code 5xx}, a
 * {@code 429}, rejected credentials) stores the backoff in Redis: until it ends, no
 * instance asks the endpoint, and all fail fast with the stored error. A failure to reach
 * the endpoint may be the instance's own (its DNS, its network) and is not shared.</li>
 * <li><b>Fallback.</b> When Redis fails or does not answer in time, the instance asks the
 * endpoint itself (the manager's own single flight and backoff still hold), logs that
 * once, and shares again from the first Redis call that works.</li>
 * </ul>
 *
 * @author sitecore-cdp-spring-boot
 */
final class RedisSharedTokenSource implements CdpTokenSource {

	private static final Log logger = LogFactory.getLog(RedisSharedTokenSource.class);

	/** Deletes the lock only if this instance still holds it. */
	static final DefaultRedisScript<Long> UNLOCK = new DefaultRedisScript<>(
			"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
			Long.class);

	/** Extends the lock's lease only if this instance still holds it. */
	private static final DefaultRedisScript<Long> RENEW = new DefaultRedisScript<>(
			"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) "
					+ "else return 0 end",
			Long.class);

	/** Added to every budget: scheduling, and the answer's way back. */
	private static final Duration SLACK = Duration.ofSeconds(2);

	private final RedisTokenStore store;

	private final TokenSeal seal;

	private final String label;

	private final CdpTokenSource endpoint;

	private final TokenPolicy policy;

	/** This instance's clock, which the manager judges tokens by. */
	private final Clock clock;

	private final String lockKey;

	private final String backoffKey;

	/**
	 * How long the lock lives without being renewed: a few Redis timeouts, so that a
	 * renewal delayed by one slow command does not lose it, and a dead holder's lock frees
	 * within seconds. Its holder renews it every third of that while it works.
	 */
	private final Duration lease;

	/**
	 * The longest wait for one holder: its whole token request, a lease, and its writes.
	 * Counted again once when another instance takes over the lock.
	 */
	private final Duration waitBudget;

	/** Why Redis is not used right now, or {@code null} while it is. */
	private final AtomicReference<@Nullable String> problem = new AtomicReference<>();

	RedisSharedTokenSource(RedisTokenStore store, TokenSeal seal, String label, CdpTokenSource endpoint,
			TokenPolicy policy, Clock clock) {
		this.store = store;
		this.seal = seal;
		this.label = label;
		this.endpoint = endpoint;
		this.policy = policy;
		this.clock = clock;
		this.lockKey = seal.name() + ":lock";
		this.backoffKey = seal.name() + ":backoff";
		this.lease = store.lease();
		this.waitBudget = endpoint.timeout().plus(this.lease).plus(store.timeout().multipliedBy(4)).plus(SLACK);
	}

	@Override
	public Mono<OAuth2AccessToken> fetch(@Nullable OAuth2AccessToken replacing) {
		return obtain(replacing).map(Obtained::token);
	}

	@Override
	public Mono<Obtained> obtain(@Nullable OAuth2AccessToken replacing) {
		// Blocking Redis calls and waits, on the store's own workers: a token is fetched
		// once per refresh, never on the caller's event loop.
		return Mono.defer(() -> {
			AtomicBoolean cancelled = new AtomicBoolean();
			return Mono.fromCallable(() -> obtainUnlessCancelled(replacing, cancelled))
				.subscribeOn(this.store.fetches())
				.doOnCancel(() -> cancelled.set(true))
				.flatMap(Mono::justOrEmpty);
		});
	}

	/**
	 * A fetch given up on (the manager's watchdog cancels it, interrupting its thread) ends
	 * with nothing: its error reaches nobody, and Reactor would log it, stack trace and
	 * all, as dropped, beside the manager's own line about the request given up.
	 */
	private Optional<Obtained> obtainUnlessCancelled(@Nullable OAuth2AccessToken replacing, AtomicBoolean cancelled) {
		try {
			return Optional.of(obtainShared(replacing));
		}
		catch (RuntimeException ex) {
			if (cancelled.get()) {
				logger.debug(this.label + ": token request given up: " + ex);
				return Optional.empty();
			}
			throw ex;
		}
	}

	/**
	 * A token read from Redis, and the fleet's backoff, came from the store; anything
	 * else from this instance's own request to the endpoint.
	 */
	@Override
	public CdpTokenOrigin originOf(Throwable failure) {
		return (failure instanceof FleetBackoffFailure) ? CdpTokenOrigin.SHARED_STORE : CdpTokenOrigin.ENDPOINT;
	}

	/**
	 * Waiting for other instances (at most two {@link #waitBudget}s: a holder, and one that
	 * took over from it), then one request, under the lock or alone, and the Redis calls
	 * around it: the manager's watchdog never has to cut a fetch short.
	 */
	@Override
	public Duration timeout() {
		return this.waitBudget.multipliedBy(2)
			.plus(this.endpoint.timeout())
			.plus(this.store.timeout().multipliedBy(4))
			.plus(SLACK);
	}

	/**
	 * What the last Redis command found: a token fetch's, or the store's background probe's
	 * (every few seconds), so that a health check or scrape never waits for Redis.
	 */
	@Override
	public CdpTokenStoreState storeState() {
		String current = this.problem.get();
		return new CdpTokenStoreState("redis", current == null, current);
	}

	/** Ask Redis whether it answers; run by the store every few seconds. */
	void probe() {
		try {
			this.store.lastEvent();
			rejoined();
		}
		catch (RedisUnavailableException ex) {
			// A probe that outlived the store's stop failed because the connection closed.
			if (this.store.isRunning()) {
				fallBack(String.valueOf(ex.getMessage()));
			}
		}
		catch (CancellationException ex) {
			// The store is closing.
		}
	}

	private Obtained obtainShared(@Nullable OAuth2AccessToken replacing) {
		long startedAt = System.nanoTime();
		long giveUpWaitingAt = startedAt + this.waitBudget.toNanos();
		boolean extended = false;
		String holder = null;
		try {
			while (true) {
				String since = this.store.lastEvent();
				FleetTime time = fleetTime();
				rejoined();
				OAuth2AccessToken shared = usable(readToken(time), replacing);
				if (shared != null) {
					return new Obtained(shared, CdpTokenOrigin.SHARED_STORE);
				}
				throwIfFleetBacksOff(time);
				String owner = UUID.randomUUID().toString();
				if (Boolean.TRUE.equals(this.store.call(() -> this.store.redis()
					.opsForValue()
					.setIfAbsent(this.lockKey, owner, this.lease)))) {
					return requestForFleet(replacing, owner);
				}
				Lock lock = repairLock();
				String current = lock.owner();
				if (current != null && holder != null && !current.equals(holder) && !extended) {
					// Another instance took over from a holder that died or left: wait for it
					// too, once.
					extended = true;
					giveUpWaitingAt = System.nanoTime() + this.waitBudget.toNanos();
				}
				holder = (current != null) ? current : holder;
				long left = giveUpWaitingAt - System.nanoTime();
				if (left <= 0) {
					// Redis answers, so the store is not unavailable: only this wait failed.
					logger.warn(this.label + ": the instance holding the token lock gave no token within "
							+ this.waitBudget.toMillis() + " ms; this instance requests its own");
					return requestAlone(replacing);
				}
				// Woken when the lease ends, too: a holder that died publishes nothing, and
				// the fleet should take over at that moment rather than at each waiter's
				// next look, up to a Redis timeout later.
				this.store.awaitEvent(since, Duration.ofNanos(Math.min(left, lock.leaseLeft().toNanos())));
			}
		}
		catch (RedisUnavailableException ex) {
			fallBack(String.valueOf(ex.getMessage()));
			return requestAlone(replacing);
		}
	}

	/** The offset from this instance's clock to the fleet's, measured now. */
	private FleetTime fleetTime() {
		// Local time read before Redis's, so that the offset errs towards an earlier expiry.
		long local = this.clock.millis();
		long fleet = this.store.fleetMillis();
		return new FleetTime(fleet, fleet - local);
	}

	/**
	 * A lock without an expiry (written by something else) would block the fleet for good.
	 * @return who holds the lock now and how long its lease has to run
	 */
	private Lock repairLock() {
		Long expiry = this.store
			.call(() -> this.store.redis().getExpire(this.lockKey, TimeUnit.MILLISECONDS));
		long leaseLeft = (expiry != null) ? expiry : 0;
		if (leaseLeft == -1) {
			this.store.call(() -> this.store.redis().expire(this.lockKey, this.lease));
			leaseLeft = this.lease.toMillis();
		}
		String owner = this.store.call(() -> this.store.redis().opsForValue().get(this.lockKey));
		// 1 ms past the end, when Redis no longer has the key; none left (-2: gone) looks
		// again at once.
		return new Lock(owner, Duration.ofMillis(Math.max(0, leaseLeft) + 1));
	}

	/** Holding the lock: ask the endpoint once for every instance. */
	private Obtained requestForFleet(@Nullable OAuth2AccessToken replacing, String owner) {
		Runnable stopRenewing = this.store.hold(this.lockKey, owner, this::renew);
		try {
			// Another instance may have stored a token between the read and the lock.
			FleetTime time = fleetTime();
			OAuth2AccessToken shared = usable(readToken(time), replacing);
			if (shared != null) {
				return new Obtained(shared, CdpTokenOrigin.SHARED_STORE);
			}
			throwIfFleetBacksOff(time);
			OAuth2AccessToken token = request(replacing, true);
			try {
				long localAfter = this.clock.millis();
				long fleetNow = this.store.fleetMillis();
				// Local time read before Redis's: the stored expiry errs towards earlier.
				String sealed = this.seal.seal(SharedEntries.token(token, fleetNow - localAfter));
				Instant expiresAt = token.getExpiresAt();
				Duration keep = Duration.ofMillis(
						((expiresAt != null) ? expiresAt.toEpochMilli() : localAfter) - localAfter);
				this.store.call(() -> {
					this.store.redis().opsForValue().set(this.seal.name(), sealed, positive(keep));
					this.store.redis().delete(this.backoffKey);
					return null;
				});
				this.store.publish(this.seal.name());
			}
			catch (RedisUnavailableException ex) {
				// The token is good: use it, and share again later.
				fallBack(String.valueOf(ex.getMessage()));
			}
			return new Obtained(token, CdpTokenOrigin.ENDPOINT);
		}
		finally {
			stopRenewing.run();
			unlock(owner);
		}
	}

	/** Extend the lease while the request goes on. */
	private void renew(String owner) {
		try {
			this.store.call(() -> this.store.redis()
				.execute(RENEW, Collections.singletonList(this.lockKey), owner,
						String.valueOf(this.lease.toMillis())));
		}
		catch (RuntimeException ex) {
			// The next renewal tries again; a lease lost meanwhile costs one more request.
		}
	}

	private Obtained requestAlone(@Nullable OAuth2AccessToken replacing) {
		return new Obtained(request(replacing, false), CdpTokenOrigin.ENDPOINT);
	}

	/**
	 * Ask the endpoint. With {@code forFleet}, what the endpoint answered (or did not) is
	 * stored as the fleet's backoff; a failure of this instance's own (such as its wait
	 * running out) never is.
	 */
	private OAuth2AccessToken request(@Nullable OAuth2AccessToken replacing, boolean forFleet) {
		OAuth2AccessToken token;
		try {
			token = this.endpoint.fetch(replacing).block(this.endpoint.timeout().plus(SLACK));
		}
		catch (CdpTokenException ex) {
			// What the endpoint answered holds for every instance; not reaching it may be
			// this instance's own trouble.
			if (forFleet && !(ex instanceof CdpTokenEndpointUnreachableException)) {
				storeBackoff(ex);
			}
			throw ex;
		}
		catch (RuntimeException ex) {
			throw new CdpTokenException("Could not get a " + this.label + " access token: " + ex, ex, true);
		}
		if (token == null) {
			throw new CdpTokenException("The " + this.label + " token endpoint answered without a token", null, true);
		}
		return token;
	}

	private @Nullable OAuth2AccessToken readToken(FleetTime time) {
		String sealed;
		try {
			sealed = this.store.call(() -> this.store.redis().opsForValue().get(this.seal.name()));
		}
		catch (RedisUnavailableException ex) {
			if (ex.isWrongType()) {
				// Not ours to read: the next token overwrites it.
				return null;
			}
			throw ex;
		}
		if (sealed == null) {
			return null;
		}
		OAuth2AccessToken token = SharedEntries.token(this.seal.open(sealed), time.offsetMillis());
		if (token == null) {
			logger.debug(this.label + ": the shared token entry cannot be opened with this API secret; it is "
					+ "replaced by the next token");
		}
		return token;
	}

	/**
	 * A shared token is taken unless it is stale, is the very token to replace, or expires
	 * before it.
	 * @return the shared token if it may be taken, else {@code null}
	 */
	private @Nullable OAuth2AccessToken usable(@Nullable OAuth2AccessToken shared,
			@Nullable OAuth2AccessToken replacing) {
		// The shared token's instants are on this instance's clock already (read with its
		// offset to Redis's), so this clock judges them without skew.
		Instant issuedAt = (shared != null) ? shared.getIssuedAt() : null;
		Instant expiresAt = (shared != null) ? shared.getExpiresAt() : null;
		if (shared == null || issuedAt == null || expiresAt == null) {
			return null;
		}
		Instant staleAt = this.policy.staleAt(issuedAt, Duration.between(issuedAt, expiresAt));
		if (!this.clock.instant().isBefore(staleAt)) {
			return null;
		}
		if (replacing == null) {
			return shared;
		}
		if (shared.getTokenValue().equals(replacing.getTokenValue())) {
			return null;
		}
		// Compared in milliseconds, the precision of the entry.
		Instant replacingExpiry = replacing.getExpiresAt();
		return (replacingExpiry == null || expiresAt.toEpochMilli() >= replacingExpiry.toEpochMilli()) ? shared : null;
	}

	private void throwIfFleetBacksOff(FleetTime time) {
		FleetBackoff backoff = readBackoff(time.offsetMillis());
		if (backoff != null && time.nowMillis() < backoff.retryAtMillis()) {
			// The manager adds its own count and next attempt; this says whose failure it was.
			String message = backoff.message() + " (as another instance found; the fleet waits until "
					+ Instant.ofEpochMilli(backoff.retryAtMillis() - time.offsetMillis()) + ")";
			throw backoff.credentialsRejected() ? new FleetCredentialsRejected(message)
					: new FleetBackoffException(message, backoff.retryable());
		}
	}

	private @Nullable FleetBackoff readBackoff(long offsetMillis) {
		try {
			String sealed = this.store.call(() -> this.store.redis().opsForValue().get(this.backoffKey));
			return (sealed != null) ? SharedEntries.backoff(this.seal.open(sealed), offsetMillis) : null;
		}
		catch (RedisUnavailableException ex) {
			if (ex.isWrongType()) {
				return null;
			}
			throw ex;
		}
	}

	private void storeBackoff(CdpTokenException failure) {
		try {
			FleetTime time = fleetTime();
			long now = time.nowMillis();
			FleetBackoff previous = readBackoff(time.offsetMillis());
			int failures = (previous != null && this.policy.continuesRun(previous.retryAtMillis(), now))
					? previous.failures() + 1 : 1;
			long retryAt = now
					+ this.policy.backoffAfter(failures, ThreadLocalRandom.current().nextDouble()).toMillis();
			String sealed = this.seal.seal(SharedEntries
				.backoff(new FleetBackoff(failures, retryAt, failure.isRetryable(),
						failure instanceof CdpCredentialsRejectedException, String.valueOf(failure.getMessage()))));
			// Kept past its end, so that the next failure continues the run.
			Duration keep = Duration.ofMillis(retryAt - now).plus(this.policy.maxBackoff()).multipliedBy(2);
			this.store.call(() -> {
				this.store.redis().opsForValue().set(this.backoffKey, sealed, positive(keep));
				return null;
			});
			this.store.publish(this.seal.name());
		}
		catch (RedisUnavailableException ex) {
			fallBack(String.valueOf(ex.getMessage()));
		}
	}

	private void unlock(String owner) {
		// A fetch cancelled mid-request (the manager's watchdog, a shutdown) arrives here
		// interrupted, which would fail the command at once and leave the fleet waiting a
		// whole lease. The flag is set aside for this one command, bounded by redis.timeout.
		boolean interrupted = Thread.interrupted();
		try {
			this.store.call(() -> this.store.redis().execute(UNLOCK, Collections.singletonList(this.lockKey), owner));
		}
		catch (RedisUnavailableException | CancellationException ex) {
			// The lock expires by itself.
			logger.debug(this.label + ": could not release the token lock (" + ex.getMessage() + ")");
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void fallBack(String reason) {
		if (this.problem.getAndSet(reason) == null) {
			logger.warn(this.label + ": the Redis token store is unavailable (" + reason
					+ "); this instance gets its own tokens until Redis answers again");
		}
	}

	private void rejoined() {
		if (this.problem.getAndSet(null) != null) {
			logger.info(this.label + ": the Redis token store answers again; the token is shared with the fleet");
		}
	}

	private static Duration positive(Duration duration) {
		return (duration.compareTo(Duration.ofSeconds(1)) < 0) ? Duration.ofSeconds(1) : duration;
	}

	/** A failure that another instance's request found, read from the store. */
	private interface FleetBackoffFailure {

	}

	private static final class FleetBackoffException extends CdpTokenException implements FleetBackoffFailure {

		FleetBackoffException(String message, boolean retryable) {
			super(message, null, retryable);
		}

	}

	private static final class FleetCredentialsRejected extends CdpCredentialsRejectedException
			implements FleetBackoffFailure {

		FleetCredentialsRejected(String message) {
			super(message, null);
		}

	}

	/**
	 * The token lock as a waiter found it.
	 *
	 * @param owner who holds it, or {@code null} if nobody does
	 * @param leaseLeft until its lease ends unless renewed
	 */
	private record Lock(@Nullable String owner, Duration leaseLeft) {

	}

	/**
	 * The fleet's clock (Redis's) at one moment, and its offset from this instance's.
	 *
	 * @param nowMillis the fleet's time, in epoch milliseconds
	 * @param offsetMillis the fleet's time minus this instance's
	 */
	private record FleetTime(long nowMillis, long offsetMillis) {

	}

}

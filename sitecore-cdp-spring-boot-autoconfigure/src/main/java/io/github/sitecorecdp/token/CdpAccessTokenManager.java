package io.github.sitecorecdp.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.sitecorecdp.token.CdpTokenListener.TokenRequestOutcome;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * Owns the one Sitecore CDP access token of the application and every rule about it.
 *
 * <ul>
 * <li>One token for the whole application, whoever is logged in: a client_credentials
 * token belongs to the API key, not to a user.</li>
 * <li>Callers that need a token while none is valid share one token request.</li>
 * <li>Inside the refresh-ahead window the next caller starts one background refresh and
 * goes on with the current token, so no caller waits for a token after the first one.</li>
 * <li>Within the expiry margin a token is no longer handed out; callers wait for a new one
 * (all on one request).</li>
 * <li>After a failed token request the next one waits a jittered, doubling, capped
 * backoff; meanwhile callers without a valid token fail fast with the last error, and a
 * failed background refresh leaves the still-valid token in service.</li>
 * <li>{@link #invalidate(OAuth2AccessToken)} drops a token only if it is still the cached
 * one, so concurrent 401s cause one new token, not one each.</li>
 * </ul>
 *
 * <p>
 * Caffeine holds the token, makes concurrent loads single-flight, deduplicates refreshes
 * and keeps serving the current token while one runs. What Caffeine lacks is written here:
 * two deadlines per token (its {@code refreshAfterWrite} is one fixed interval for all
 * entries), a backoff between failed loads (it retries on the next call), and letting a
 * caller that finds the token stale join a refresh that is already under way instead of
 * starting a second request.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CdpAccessTokenManager {

	private static final Log logger = LogFactory.getLog(CdpAccessTokenManager.class);

	private static final String KEY = "sitecore-cdp";

	private final Supplier<Mono<OAuth2AccessToken>> tokenRequests;

	private final TokenPolicy policy;

	private final Clock clock;

	private final DoubleSupplier random;

	private final CdpTokenListener listener;

	private final AsyncLoadingCache<String, CachedToken> cache;

	private final AtomicReference<@Nullable CompletableFuture<CachedToken>> inFlight = new AtomicReference<>();

	private volatile @Nullable FailedAttempts failedAttempts;

	/**
	 * Create a new instance.
	 * @param endpoint the token endpoint
	 * @param policy when to refresh and how to back off
	 * @param clock the clock that decides when a token is due for refresh or stale
	 */
	public CdpAccessTokenManager(CdpTokenEndpointClient endpoint, TokenPolicy policy, Clock clock) {
		this(endpoint, policy, clock, CdpTokenListener.NONE);
	}

	/**
	 * Create a new instance that reports what it does.
	 * @param endpoint the token endpoint
	 * @param policy when to refresh and how to back off
	 * @param clock the clock that decides when a token is due for refresh or stale
	 * @param listener told about token requests, refreshes and rejected tokens
	 */
	public CdpAccessTokenManager(CdpTokenEndpointClient endpoint, TokenPolicy policy, Clock clock,
			CdpTokenListener listener) {
		this(endpoint::requestToken, policy, clock, () -> ThreadLocalRandom.current().nextDouble(), listener);
	}

	CdpAccessTokenManager(Supplier<Mono<OAuth2AccessToken>> tokenRequests, TokenPolicy policy, Clock clock,
			DoubleSupplier random) {
		this(tokenRequests, policy, clock, random, CdpTokenListener.NONE);
	}

	CdpAccessTokenManager(Supplier<Mono<OAuth2AccessToken>> tokenRequests, TokenPolicy policy, Clock clock,
			DoubleSupplier random, CdpTokenListener listener) {
		this.tokenRequests = tokenRequests;
		this.policy = policy;
		this.clock = clock;
		this.random = random;
		this.listener = listener;
		// No Caffeine expiry: a token's two deadlines are checked here on every read
		// anyway (refresh ahead needs the clock), and a per-read expiry would double the
		// cost of the hot path. Spent entries are evicted in freshToken().
		this.cache = Caffeine.newBuilder().buildAsync(new TokenLoader());
	}

	/**
	 * Return a valid access token: the cached one, or a new one when there is none. Never
	 * a token within its expiry margin.
	 * @return the token; or an error, usually a {@link CdpTokenException}
	 */
	public Mono<OAuth2AccessToken> getToken() {
		CompletableFuture<CachedToken> cached = this.cache.getIfPresent(KEY);
		if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
			CachedToken token = cached.join();
			long now = this.clock.millis();
			if (now < token.staleAtMillis()) {
				if (now >= token.refreshAtMillis()) {
					refreshInBackground();
				}
				return token.asMono();
			}
		}
		// Suppress cancel: the future is shared by every waiting caller.
		return Mono.fromFuture(this::freshToken, true).map(CachedToken::token);
	}

	/**
	 * Drop the given token if it is still the cached one, typically because an API call
	 * made with it was answered 401. If another caller already replaced it, nothing
	 * happens, and the next {@link #getToken()} returns the newer token.
	 * @param rejected the token the API refused
	 */
	public void invalidate(OAuth2AccessToken rejected) {
		this.listener.tokenRejectedByApi();
		this.cache.asMap().computeIfPresent(KEY, (key, future) -> {
			if (future.isDone() && !future.isCompletedExceptionally() && future.join().isSameToken(rejected)) {
				logger.debug("Dropping access token " + future.join().fingerprint() + " that the API rejected");
				return null;
			}
			return future;
		});
	}

	/**
	 * Return what is held right now, without causing a token request.
	 * @return the status
	 */
	public CdpTokenStatus status() {
		FailedAttempts failed = this.failedAttempts;
		CompletableFuture<CachedToken> cached = this.cache.getIfPresent(KEY);
		CachedToken token = (cached != null && !isSpent(cached) && cached.isDone()) ? cached.join() : null;
		return new CdpTokenStatus((token != null) ? token.token().getExpiresAt() : null,
				(token != null) ? token.fingerprint() : null, (failed != null) ? failed.count() : 0,
				(failed != null) ? failed.lastError() : null, (failed != null) ? failed.retryAt() : null);
	}

	private CompletableFuture<CachedToken> freshToken() {
		CompletableFuture<CachedToken> future = this.cache.get(KEY);
		if (isSpent(future)) {
			this.cache.asMap().remove(KEY, future);
			future = this.cache.get(KEY);
		}
		return future;
	}

	/**
	 * Whether a future in the cache must not be handed out although Caffeine still holds
	 * it: a failed load that Caffeine has not removed yet (waiters are woken before its
	 * clean-up runs), or a token past its stale point.
	 */
	private boolean isSpent(CompletableFuture<CachedToken> future) {
		if (!future.isDone()) {
			return false;
		}
		return future.isCompletedExceptionally() || this.clock.millis() >= future.join().staleAtMillis();
	}

	private void refreshInBackground() {
		FailedAttempts failed = this.failedAttempts;
		if ((failed != null && failed.holdBack(this.clock.instant())) || this.inFlight.get() != null) {
			return;
		}
		// Caffeine keeps serving the current token meanwhile and ignores further calls
		// while this refresh runs.
		this.cache.synchronous().refresh(KEY);
	}

	/**
	 * Start a token request, or join the one under way, be it a first load or a refresh.
	 * @param refresh whether a valid token is being replaced ahead of its expiry
	 */
	private CompletableFuture<CachedToken> requestToken(boolean refresh) {
		CompletableFuture<CachedToken> created = new CompletableFuture<>();
		CompletableFuture<CachedToken> existing = this.inFlight.compareAndExchange(null, created);
		if (existing != null) {
			return existing;
		}
		if (refresh) {
			// Counted here, where a request is really made: callers racing into the
			// refresh window would otherwise each count one.
			this.listener.backgroundRefreshStarted();
		}
		long start = System.nanoTime();
		this.tokenRequests.get().map(this::accept).subscribe((token) -> {
			this.listener.tokenRequested(TokenRequestOutcome.SUCCESS, Duration.ofNanos(System.nanoTime() - start));
			// Cleared before completing: a waiter that is handed this token and gets a 401
			// must be able to start a new request at once.
			this.inFlight.set(null);
			created.complete(token);
		}, (ex) -> {
			CdpTokenException error = recordFailure(ex);
			this.listener.tokenRequested(outcomeOf(error), Duration.ofNanos(System.nanoTime() - start));
			this.inFlight.set(null);
			created.completeExceptionally(error);
		});
		return created;
	}

	private CachedToken accept(OAuth2AccessToken token) {
		this.failedAttempts = null;
		CachedToken cached = CachedToken.of(token, this.policy, this.random.getAsDouble());
		if (logger.isDebugEnabled()) {
			CompletableFuture<CachedToken> previous = this.cache.getIfPresent(KEY);
			boolean same = previous != null && previous.isDone() && !previous.isCompletedExceptionally()
					&& previous.join().isSameToken(token);
			logger.debug((same ? "Token endpoint returned the current access token " : "Obtained access token ")
					+ cached.fingerprint() + ", expires at " + token.getExpiresAt() + ", refresh from "
					+ cached.refreshAt() + ", sent until " + cached.staleAt());
		}
		return cached;
	}

	private CdpTokenException recordFailure(Throwable ex) {
		CdpTokenException error = (ex instanceof CdpTokenException tokenException) ? tokenException
				: new CdpTokenException("Could not get a Sitecore CDP access token: " + ex, ex, true);
		FailedAttempts previous = this.failedAttempts;
		int count = (previous != null) ? previous.count() + 1 : 1;
		Duration wait = this.policy.backoffAfter(count, this.random.getAsDouble());
		Instant retryAt = this.clock.instant().plus(wait);
		this.failedAttempts = new FailedAttempts(count, error, retryAt);
		logger.warn(error.getMessage() + " (" + count + " failed token request" + ((count > 1) ? "s" : "")
				+ " in a row; next attempt not before " + retryAt + ")");
		return error;
	}

	private static TokenRequestOutcome outcomeOf(CdpTokenException error) {
		if (error instanceof CdpCredentialsRejectedException) {
			return TokenRequestOutcome.REJECTED_CREDENTIALS;
		}
		return error.isRetryable() ? TokenRequestOutcome.RETRYABLE_FAILURE : TokenRequestOutcome.FAILURE;
	}

	private final class TokenLoader implements AsyncCacheLoader<String, CachedToken> {

		@Override
		public CompletableFuture<CachedToken> asyncLoad(String key, Executor executor) {
			FailedAttempts failed = CdpAccessTokenManager.this.failedAttempts;
			if (failed != null && failed.holdBack(CdpAccessTokenManager.this.clock.instant())) {
				return CompletableFuture.failedFuture(failed.lastError().whileBackingOff(failed.retryAt()));
			}
			return requestToken(false);
		}

		@Override
		public CompletableFuture<CachedToken> asyncReload(String key, CachedToken current, Executor executor) {
			// A failed refresh keeps the still-valid token in service; the failure is
			// already recorded for the backoff and logged, so Caffeine need not log it too.
			return requestToken(true).exceptionally((ex) -> current);
		}

	}

}

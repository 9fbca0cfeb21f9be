package io.github.sitecorecdp.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.github.sitecorecdp.token.CdpTokenListener.TokenRequestOutcome;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.util.Assert;

/**
 * Owns the access token of one Sitecore API key and every decision about it.
 *
 * <p>
 * Everything the manager knows is one immutable {@link State} in one
 * {@link AtomicReference}: the token in service, the token request under way, and the two
 * backoffs (failed token requests; tokens the API refused). Every change is one
 * compare-and-set from the state that was read, so each guarantee can be checked here:
 * <ul>
 * <li><b>Single flight.</b> A token request is started only by the caller whose
 * compare-and-set installed it; everyone else joins it. A token is global to the API key,
 * not to a logged-in user.</li>
 * <li><b>One request per refresh.</b> Inside the refresh window the next caller installs
 * one background request and goes on with the current token. The request is cleared in
 * the same step that stores its token, so no caller can see "no request under way" while
 * the refresh's token is not yet stored.</li>
 * <li><b>Stored before waking.</b> Waiters are woken only after the new state is
 * published.</li>
 * <li><b>Listeners off the path.</b> Listeners are told after the waiters are woken, on a
 * thread of their own through a bounded queue, never on a caller's thread or an event
 * loop: a slow, blocked or throwing listener holds no caller and changes no outcome.</li>
 * <li><b>Stale point.</b> Within the expiry margin a token is no longer handed out;
 * callers wait for a new one, all on one request.</li>
 * <li><b>Backoff.</b> After a failed request the next waits a jittered, doubling, capped
 * step, measured on a monotonic clock ({@code System.nanoTime()}), so that the wall clock
 * stepping back or forth changes no wait; meanwhile callers without a valid token fail fast with the last error, and a
 * failed refresh leaves the still-valid token in service.</li>
 * <li><b>Compare-and-invalidate, bounded.</b> A token the API refused is dropped only if it
 * is still the one in service, and at most once per backoff step of its own: an API that
 * refuses every token costs a few token requests, not one per call.</li>
 * <li><b>Bounded waits.</b> Every request ends within its time limit, whatever goes wrong
 * inside it (an exception, an {@link Error}, a signal Reactor dropped): a watchdog
 * completes it. Listener exceptions never change an outcome.</li>
 * <li><b>Logged once.</b> A failure is logged once per token request, never per
 * caller.</li>
 * </ul>
 *
 * <p>
 * Written by hand rather than on Caffeine, which held the token before: its refresh
 * clears its own bookkeeping before storing the new value and swallows errors, its
 * refresh interval is one fixed duration for all entries, and it has no backoff; the
 * backoff and refresh state kept beside it were a second and third mechanism that raced
 * with it. One state in one reference is what AWS SDK's {@code CachedSupplier} and
 * azure-core's {@code SimpleTokenCache} also do.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CdpAccessTokenManager {

	private static final Log logger = LogFactory.getLog(CdpAccessTokenManager.class);

	private static final String DEFAULT_LABEL = "Sitecore CDP";

	/** Added to the token request's own timeout before the watchdog ends it. */
	private static final Duration WATCHDOG_SLACK = Duration.ofSeconds(1);

	private final CdpTokenSource source;

	private final TokenPolicy policy;

	private final Clock clock;

	/**
	 * Measures backoffs: {@code System.nanoTime()}, or the clock itself when it simulates
	 * time as a whole (a clock that is also a {@link LongSupplier} of nanoseconds, such as
	 * the test kit's), so that a test that moves its clock also ends backoffs.
	 */
	private final LongSupplier ticker;

	private final DoubleSupplier random;

	private final CdpTokenListener listener;

	private final Duration maxWait;

	private final AtomicReference<State> state = new AtomicReference<>(State.EMPTY);

	private final ListenerDispatcher listeners;

	/** What logs and exceptions call this manager's registration. */
	private final String label;

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
		this(DEFAULT_LABEL, endpoint, policy, clock, listener);
	}

	/**
	 * Create a manager for the token of one registration among several.
	 * @param label what logs and exceptions call the registration, such as
	 * {@code Sitecore CDP (personalize)}
	 * @param endpoint the token endpoint client of the registration's API key
	 * @param policy the token lifecycle
	 * @param clock the clock
	 * @param listener told about token requests, refreshes and rejected tokens
	 */
	public CdpAccessTokenManager(String label, CdpTokenEndpointClient endpoint, TokenPolicy policy, Clock clock,
			CdpTokenListener listener) {
		this(label, (CdpTokenSource) endpoint, policy, clock, listener);
	}

	/**
	 * Create a manager that gets its tokens from a source, such as a store shared by every
	 * instance of the application.
	 * @param label what logs and exceptions call the registration
	 * @param source where new tokens come from
	 * @param policy the token lifecycle
	 * @param clock the clock
	 * @param listener told about token requests, refreshes and rejected tokens
	 */
	public CdpAccessTokenManager(String label, CdpTokenSource source, TokenPolicy policy, Clock clock,
			CdpTokenListener listener) {
		this(label, source, policy, clock, () -> ThreadLocalRandom.current().nextDouble(), listener,
				source.timeout().plus(WATCHDOG_SLACK));
	}

	CdpAccessTokenManager(Supplier<Mono<OAuth2AccessToken>> tokenRequests, TokenPolicy policy, Clock clock,
			DoubleSupplier random) {
		this(tokenRequests, policy, clock, random, CdpTokenListener.NONE, Duration.ofSeconds(30));
	}

	CdpAccessTokenManager(Supplier<Mono<OAuth2AccessToken>> tokenRequests, TokenPolicy policy, Clock clock,
			DoubleSupplier random, CdpTokenListener listener, Duration maxWait) {
		this(DEFAULT_LABEL, new CdpTokenSource() {

			@Override
			public Mono<OAuth2AccessToken> fetch(@Nullable OAuth2AccessToken replacing) {
				return tokenRequests.get();
			}

			@Override
			public Duration timeout() {
				return maxWait;
			}

		}, policy, clock, random, listener, maxWait);
	}

	private CdpAccessTokenManager(String label, CdpTokenSource source, TokenPolicy policy, Clock clock,
			DoubleSupplier random, CdpTokenListener listener, Duration maxWait) {
		this.label = label;
		this.source = source;
		this.policy = policy;
		this.clock = clock;
		this.ticker = (clock instanceof LongSupplier simulated) ? simulated : System::nanoTime;
		this.random = random;
		this.listener = listener;
		this.listeners = new ListenerDispatcher(label);
		this.maxWait = maxWait;
	}

	/**
	 * Return the token that may be sent right now, without waiting. Inside the refresh
	 * window this starts the one background refresh; it never starts any other request.
	 * @return the token in service, or {@code null} when callers must wait for one
	 */
	public @Nullable OAuth2AccessToken cachedToken() {
		CachedToken ready = ready();
		return (ready != null) ? ready.token() : null;
	}

	/**
	 * Return a valid access token: the one in service, or a new one when there is none.
	 * Never a token within its expiry margin.
	 * @return the token; or an error, usually a {@link CdpTokenException}
	 */
	public Mono<OAuth2AccessToken> getToken() {
		CachedToken ready = ready();
		return (ready != null) ? ready.asMono() : Mono.defer(this::awaitToken);
	}

	/**
	 * Return a valid access token, waiting for one if needed. For blocking callers; the
	 * wait is bounded by the token request's time limit.
	 * @return the token
	 * @throws CdpTokenException if no token can be had
	 */
	public OAuth2AccessToken obtainToken() {
		CachedToken ready = ready();
		if (ready != null) {
			return ready.token();
		}
		try {
			return awaitToken().toFuture().get(this.maxWait.plus(WATCHDOG_SLACK).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw asTokenException(ex.getCause());
		}
		catch (TimeoutException ex) {
			throw asTokenException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CdpTokenException("Interrupted while waiting for a " + this.label + " access token", ex, true);
		}
	}

	/**
	 * Report that the API answered 401 to a call made with the given token, and say
	 * whether to send the call again (with {@link #getToken()}). When the refused token
	 * is still the one in service it is dropped, so that the next token is a new one,
	 * unless a token was already refused within the current backoff step: then no replay
	 * should be made and the caller gets its 401. When another caller already replaced
	 * it, the answer is yes, and {@link #getToken()} returns the newer token.
	 * @param rejected the token the API refused
	 * @return whether to send the call again
	 */
	public boolean reject(OAuth2AccessToken rejected) {
		boolean replay = drop(rejected);
		if (replay) {
			notifyListener(this.listener::tokenRejectedByApi);
		}
		return replay;
	}

	/**
	 * Report that a call sent again after a 401 was not refused with the given token. The
	 * refusal was about the token it replaced (revoked, rotated key), not about every
	 * token, so the run of refusals ends: a later revocation is replayed at once instead
	 * of waiting out a backoff step earned by an unrelated one. An API that refuses every
	 * token refuses the replay too, so its backoff still holds.
	 * @param accepted the token the replay was sent with
	 */
	public void replayAccepted(OAuth2AccessToken accepted) {
		while (true) {
			State current = this.state.get();
			CachedToken token = current.token;
			if (current.apiRejections == null || token == null || !token.isSameToken(accepted)) {
				// No run to end, or the token already left service: its answer says nothing now.
				return;
			}
			if (this.state.compareAndSet(current,
					new State(token, current.request, current.endpointFailures, null, current.refused))) {
				return;
			}
		}
	}

	/**
	 * Drop the given token if it is still the one in service, typically because an API
	 * call made with it was answered 401. If another caller already replaced it, nothing
	 * happens, and the next {@link #getToken()} returns the newer token.
	 * @param rejected the token the API refused
	 */
	public void invalidate(OAuth2AccessToken rejected) {
		reject(rejected);
	}

	/**
	 * Forget the token in service and both backoffs, as if the application had just
	 * started: the next call requests a new token. Meant for tests that need to start from
	 * no token; a token request under way still answers its waiters, but its token is not
	 * kept.
	 */
	public void reset() {
		this.state.set(State.EMPTY);
	}

	/**
	 * Return what is held right now, without causing a token request.
	 * @return the status
	 */
	public CdpTokenStatus status() {
		State current = this.state.get();
		CachedToken token = current.token;
		CachedToken valid = (token != null && this.clock.millis() < token.staleAtMillis()) ? token : null;
		Failures failures = current.endpointFailures;
		return new CdpTokenStatus((valid != null) ? valid.token().getExpiresAt() : null,
				(valid != null) ? valid.fingerprint() : null,
				(failures != null) ? failures.count : 0, (failures != null) ? failures.lastError : null,
				(failures != null) ? wallTime(failures.retryAtNanos) : null, this.source.storeState());
	}

	/**
	 * Return how long the token in service has left before it expires, on this manager's
	 * clock.
	 * @return the time left, zero without a valid token
	 */
	public Duration timeUntilExpiry() {
		Instant expiresAt = status().tokenExpiresAt();
		if (expiresAt == null) {
			return Duration.ZERO;
		}
		Duration left = Duration.between(this.clock.instant(), expiresAt);
		return left.isNegative() ? Duration.ZERO : left;
	}

	/** The wall-clock instant a point on the monotonic clock corresponds to, for messages. */
	private Instant wallTime(long tickerNanos) {
		return this.clock.instant().plusNanos(tickerNanos - this.ticker.getAsLong());
	}

	/**
	 * The hot path: one volatile read and two comparisons while a token is in service.
	 */
	private @Nullable CachedToken ready() {
		State current = this.state.get();
		CachedToken token = current.token;
		if (token == null) {
			return null;
		}
		long now = this.clock.millis();
		if (now >= token.staleAtMillis()) {
			return null;
		}
		if (now >= token.refreshAtMillis() && current.request == null
				&& !holdsBack(current.endpointFailures, this.ticker.getAsLong())) {
			TokenRequest refresh = new TokenRequest(true, token.token());
			if (this.state.compareAndSet(current, current.withRequest(refresh))) {
				start(refresh);
			}
		}
		return token;
	}

	private Mono<OAuth2AccessToken> awaitToken() {
		while (true) {
			State current = this.state.get();
			long now = this.clock.millis();
			CachedToken token = current.token;
			if (token != null && now < token.staleAtMillis()) {
				return token.asMono();
			}
			if (current.request != null) {
				return current.request.result;
			}
			Failures failures = current.endpointFailures;
			if (failures != null && failures.lastError != null && holdsBack(failures, this.ticker.getAsLong())) {
				return Mono.error(failures.lastError.whileBackingOff(wallTime(failures.retryAtNanos)));
			}
			// A stale token or one the API refused: a shared source must not hand it back.
			TokenRequest request = new TokenRequest(false, (token != null) ? token.token() : current.refused);
			if (this.state.compareAndSet(current,
					new State(null, request, failures, current.apiRejections, current.refused))) {
				start(request);
				return request.result;
			}
		}
	}

	/**
	 * Compare-and-invalidate with its own backoff.
	 * @return whether a replay should be made
	 */
	private boolean drop(OAuth2AccessToken rejected) {
		while (true) {
			State current = this.state.get();
			CachedToken token = current.token;
			if (token == null || !token.isSameToken(rejected)) {
				// Already replaced (or being replaced) by another caller: replay with that.
				return true;
			}
			long now = this.ticker.getAsLong();
			Failures rejections = current.apiRejections;
			if (holdsBack(rejections, now)) {
				return false;
			}
			int count = (rejections != null
					&& this.policy.continuesRun(Duration.ofNanos(now - rejections.retryAtNanos)))
					? rejections.count + 1 : 1;
			long retryAt = now + this.policy.backoffAfter(count, this.random.getAsDouble()).toNanos();
			Failures next = new Failures(count, null, retryAt);
			if (this.state.compareAndSet(current,
					new State(null, current.request, current.endpointFailures, next, token.token()))) {
				logger.debug(this.label + " API refused access token " + token.fingerprint() + "; dropping it ("
						+ count + " refused in a row)");
				return true;
			}
		}
	}

	/**
	 * Make the token request the caller just installed. Whatever happens, the request is
	 * settled exactly once: by its answer, by its error, or by the watchdog when neither
	 * comes in time.
	 */
	private void start(TokenRequest request) {
		long startedNanos = System.nanoTime();
		CompletableFuture<CdpTokenSource.Obtained> answer = new CompletableFuture<>();
		Disposable.Swap subscription = Disposables.swap();
		// The watchdog is armed before anything else can go wrong.
		answer.orTimeout(this.maxWait.toMillis(), TimeUnit.MILLISECONDS).whenComplete((obtained, ex) -> {
			if (ex != null) {
				// A request that is given up is also stopped.
				subscription.dispose();
			}
			settle(request, obtained, ex, startedNanos);
		});
		try {
			if (request.refresh) {
				// Counted here, where a request is really made, not per caller in the window.
				notifyListener(this.listener::backgroundRefreshStarted);
			}
			subscription.update(this.source.obtain(request.replacing)
				.subscribe(answer::complete, answer::completeExceptionally, () -> answer.completeExceptionally(
						new CdpTokenException("Token request completed without a token", null, true))));
		}
		catch (Throwable ex) {
			answer.completeExceptionally(ex);
		}
	}

	private void settle(TokenRequest request, CdpTokenSource.@Nullable Obtained obtained, @Nullable Throwable error,
			long startedNanos) {
		// Exactly one of the two is set.
		CachedToken issued = null;
		CdpTokenException failure = null;
		CdpTokenOrigin origin = CdpTokenOrigin.ENDPOINT;
		try {
			if (obtained != null) {
				origin = obtained.origin();
				issued = CachedToken.of(obtained.token(), this.policy, this.random.getAsDouble());
			}
			else {
				failure = asTokenException(error);
			}
		}
		catch (Throwable ex) {
			failure = new CdpTokenException("Could not use the " + this.label + " token endpoint's answer: " + ex, ex,
					true);
		}
		if (obtained == null) {
			origin = originOf(error);
		}
		Duration duration = Duration.ofNanos(System.nanoTime() - startedNanos);
		try {
			publish(request, issued, failure);
		}
		finally {
			// Woken once the state is published, and before any listener is told.
			if (issued != null) {
				request.complete(issued);
			}
			else if (failure != null) {
				request.fail(failure);
			}
		}
		TokenRequestOutcome outcome = (issued != null) ? TokenRequestOutcome.SUCCESS : outcomeOf(failure);
		CdpTokenOrigin from = origin;
		notifyListener(() -> this.listener.tokenRequested(outcome, from, duration));
	}

	private CdpTokenOrigin originOf(@Nullable Throwable error) {
		try {
			return (error != null) ? this.source.originOf(error) : CdpTokenOrigin.ENDPOINT;
		}
		catch (RuntimeException ex) {
			return CdpTokenOrigin.ENDPOINT;
		}
	}

	private void publish(TokenRequest request, @Nullable CachedToken issued, @Nullable CdpTokenException failure) {
		Assert.state(issued != null || failure != null, "A token request ends with a token or a failure");
		while (true) {
			State current = this.state.get();
			if (current.request != request) {
				// Only settle() clears a request, and once: nothing to publish.
				return;
			}
			State next;
			long now = this.clock.millis();
			long tick = this.ticker.getAsLong();
			if (issued != null) {
				next = new State(issued, null, null, current.apiRejections, null);
			}
			else {
				CachedToken kept = (current.token != null && now < current.token.staleAtMillis()) ? current.token
						: null;
				next = new State(kept, null, failed(current.endpointFailures, Objects.requireNonNull(failure), tick),
						current.apiRejections, current.refused);
			}
			if (this.state.compareAndSet(current, next)) {
				log(current, issued, next);
				return;
			}
		}
	}

	private Failures failed(@Nullable Failures previous, CdpTokenException failure, long nowNanos) {
		int count = (previous != null) ? previous.count + 1 : 1;
		return new Failures(count, failure,
				nowNanos + this.policy.backoffAfter(count, this.random.getAsDouble()).toNanos());
	}

	private void log(State before, @Nullable CachedToken issued, State after) {
		if (issued != null) {
			if (logger.isDebugEnabled()) {
				boolean same = before.token != null && before.token.isSameToken(issued.token());
				logger.debug(this.label + ": " + (same ? "token endpoint returned the current access token "
						: "obtained access token ") + issued.fingerprint() + ", expires at " + issued.token().getExpiresAt() + ", refresh from "
						+ issued.refreshAt() + ", sent until " + issued.staleAt());
			}
			return;
		}
		Failures failures = after.endpointFailures;
		if (failures != null && failures.lastError != null && isCancellation(failures.lastError)) {
			// A request cut short by a shutdown (or a caller's interrupt) is no failure of the
			// endpoint's worth a warning.
			logger.debug(this.label + " token request cancelled: " + failures.lastError.getMessage());
			return;
		}
		if (failures != null && failures.lastError != null) {
			String what = (after.token != null) ? " (the current token stays in service)" : "";
			logger.warn(failures.lastError.getMessage() + what + " (" + failures.count + " failed token request"
					+ ((failures.count > 1) ? "s" : "") + " in a row; next attempt not before "
					+ wallTime(failures.retryAtNanos) + ")");
			if (logger.isDebugEnabled()) {
				logger.debug(this.label + " token request failure", failures.lastError);
			}
		}
	}

	private CdpTokenException asTokenException(@Nullable Throwable ex) {
		if (ex instanceof CdpTokenException tokenException) {
			return tokenException;
		}
		if (ex instanceof TimeoutException) {
			return new CdpTokenEndpointUnreachableException(
					"No answer from the " + this.label + " token endpoint within " + this.maxWait, ex);
		}
		return new CdpTokenException("Could not get a " + this.label + " access token: " + ex, ex, true);
	}

	private void notifyListener(Runnable call) {
		if (this.listener != CdpTokenListener.NONE) {
			// Never on the caller's thread or the token endpoint's event loop: a slow
			// listener must hold nobody.
			this.listeners.tell(call);
		}
	}

	private static boolean holdsBack(@Nullable Failures failures, long nowNanos) {
		// A difference, not a comparison: nanoTime values may wrap.
		return failures != null && nowNanos - failures.retryAtNanos < 0;
	}

	private static boolean isCancellation(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof CancellationException || cause instanceof InterruptedException) {
				return true;
			}
		}
		return false;
	}

	private static TokenRequestOutcome outcomeOf(@Nullable CdpTokenException error) {
		if (error instanceof CdpCredentialsRejectedException) {
			return TokenRequestOutcome.REJECTED_CREDENTIALS;
		}
		return (error == null || error.isRetryable()) ? TokenRequestOutcome.RETRYABLE_FAILURE
				: TokenRequestOutcome.FAILURE;
	}

	/**
	 * Everything the manager knows. Replaced as a whole, never changed.
	 *
	 * @param token the token in service, possibly past its stale point
	 * @param request the token request under way, or {@code null}
	 * @param endpointFailures consecutive failed token requests and when the next may be
	 * made
	 * @param apiRejections consecutive tokens the API refused and when the next may be
	 * dropped
	 * @param refused the last token the API refused, until a new one is stored: the next
	 * request asks the source for a token other than this one
	 */
	private record State(@Nullable CachedToken token, @Nullable TokenRequest request,
			@Nullable Failures endpointFailures, @Nullable Failures apiRejections,
			@Nullable OAuth2AccessToken refused) {

		static final State EMPTY = new State(null, null, null, null, null);

		State withRequest(TokenRequest request) {
			return new State(this.token, request, this.endpointFailures, this.apiRejections, this.refused);
		}

	}

	/**
	 * A run of failures and the backoff it earned.
	 *
	 * @param count how many in a row
	 * @param lastError the last failure of a token request, {@code null} for API refusals
	 * @param retryAtNanos nothing more before this point on the manager's monotonic clock
	 */
	private record Failures(int count, @Nullable CdpTokenException lastError, long retryAtNanos) {

	}

	/**
	 * One token request, joined by every caller that waits for it.
	 */
	private static final class TokenRequest {

		private final boolean refresh;

		/** The token the source is asked to replace, or {@code null}. */
		private final @Nullable OAuth2AccessToken replacing;

		private final CompletableFuture<CachedToken> future = new CompletableFuture<>();

		// Cancel suppressed: one caller giving up must not cancel the others' request.
		private final Mono<OAuth2AccessToken> result = Mono.fromFuture(this.future, true).map(CachedToken::token);

		TokenRequest(boolean refresh, @Nullable OAuth2AccessToken replacing) {
			this.refresh = refresh;
			this.replacing = replacing;
		}

		void complete(CachedToken token) {
			this.future.complete(token);
		}

		void fail(CdpTokenException error) {
			this.future.completeExceptionally(error);
		}

	}

}

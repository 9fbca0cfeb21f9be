package io.github.sitecorecdp.retry;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

/**
 * Tries an idempotent call again after a transient failure ({@link TransientFailures}):
 * jittered exponential backoff, at least the wait a {@code Retry-After} header asks for,
 * at most a number of attempts, and never past the call's deadline, which bounds the
 * attempts and the waits together. Other failures pass at once. A call that still fails
 * is logged once, at WARN, without its URL (a presigned URL's query is a credential).
 *
 * <p>
 * Only for calls that do the same thing however often they are made (reads, and uploads
 * of the same bytes to the same presigned URL): a call that creates something needs its
 * own protocol, as the announcement of a batch has.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class RetryPolicy {

	private static final Log logger = LogFactory.getLog(RetryPolicy.class);

	/**
	 * Each backoff is drawn between half and one and a half times its nominal value, never
	 * under the initial backoff nor over the maximum (Reactor bounds the jitter so).
	 */
	private static final double JITTER = 0.5;

	private final Settings settings;

	private final RetryListener listener;

	private final Clock clock;

	private final LongSupplier nanoTime;

	private final Scheduler scheduler;

	/**
	 * Create a policy that waits on Reactor's parallel scheduler and measures deadlines on
	 * {@link System#nanoTime()}.
	 * @param settings attempts and backoff
	 * @param listener hears retries and give-ups
	 * @param clock the clock a {@code Retry-After} date is read against
	 */
	public RetryPolicy(Settings settings, RetryListener listener, Clock clock) {
		this(settings, listener, clock, System::nanoTime, Schedulers.parallel());
	}

	/**
	 * Create a policy.
	 * @param settings attempts and backoff
	 * @param listener hears retries and give-ups
	 * @param clock the clock a {@code Retry-After} date is read against
	 * @param nanoTime the monotonic clock deadlines are measured on
	 * @param scheduler where backoffs and deadlines are waited for
	 */
	public RetryPolicy(Settings settings, RetryListener listener, Clock clock, LongSupplier nanoTime,
			Scheduler scheduler) {
		this.settings = settings;
		this.listener = listener;
		this.clock = clock;
		this.nanoTime = nanoTime;
		this.scheduler = scheduler;
	}

	/**
	 * Return the settings.
	 * @return the settings
	 */
	public Settings settings() {
		return this.settings;
	}

	/**
	 * Make a call that is retried within the policy's {@code maxElapsed}.
	 * @param <T> what the call answers
	 * @param call the call's name, for logs and metrics
	 * @param attempt one attempt, subscribed again for each retry
	 * @return the call
	 */
	public <T> Mono<T> apply(String call, Mono<T> attempt) {
		return apply(call, attempt, this.settings.maxElapsed());
	}

	/**
	 * Make a call that is retried within a deadline of its own.
	 * @param <T> what the call answers
	 * @param call the call's name, for logs and metrics
	 * @param attempt one attempt, subscribed again for each retry
	 * @param deadline how long the call may take, attempts and waits together
	 * @return the call; past the deadline it fails with a {@link TimeoutException} whose
	 * cause is the last failure, if any
	 */
	public <T> Mono<T> apply(String call, Mono<T> attempt, Duration deadline) {
		return Mono.defer(() -> {
			long end = this.nanoTime.getAsLong() + deadline.toNanos();
			AtomicLong attempts = new AtomicLong(1);
			AtomicReference<@Nullable Throwable> last = new AtomicReference<>();
			Predicate<Throwable> retried = (failure) -> TransientFailures.isTransient(failure)
					&& endsBefore(retryAfter(failure), end);
			Mono<T> attempted = attempt.doOnError(last::set);
			// Reactor's retryWhen sets up a sink and two subscribers on every subscription: for
			// the event sender that was a twentieth of the time a call costs, though most calls
			// succeed at once (profiled in EventStreamBenchmark). So it is set up at the first
			// failure: its source fails once more with that failure, then makes the attempts,
			// and Reactor sees the same failures, counts and waits as from the start.
			return attempted.onErrorResume((first) -> {
				if (!retried.test(first)) {
					return Mono.error(first);
				}
				AtomicBoolean told = new AtomicBoolean();
				return Mono.defer(() -> told.compareAndSet(false, true) ? Mono.<T>error(first) : attempted)
					.retryWhen(backoff(call, attempts, retried));
			})
				// Named so that the timeout's description, which Reactor builds on every
				// subscription by walking the chain for a name, finds one at once.
				.name(call)
				.timeout(deadline, this.scheduler)
				.onErrorMap(TimeoutException.class, (ex) -> deadlinePassed(call, deadline, last.get(), ex))
				.doOnError((failure) -> gaveUp(call, attempts.get(), failure, TransientFailures.isTransient(failure)));
		});
	}

	/**
	 * Make a streamed read that is retried, each attempt going on from where the last one
	 * stopped: {@code attempt} is subscribed again for each retry and must itself ask for
	 * only what has not arrived yet (a {@code Range} request, say). Failures of the stream
	 * after its headers (a cut or stalled body) count as transient too. Attempts, backoff
	 * and the {@code maxElapsed} deadline count from the last element that arrived: a
	 * stream that makes progress between faults is not given up on for being long, as a
	 * large file would be under a deadline for the whole read. A stalled attempt is ended
	 * by the client's own response timeout, which is then a transient failure.
	 * @param <T> the stream's elements
	 * @param call the call's name, for logs and metrics
	 * @param attempt one attempt, subscribed again for each retry
	 * @return the stream
	 */
	public <T> Flux<T> applyToStream(String call, Flux<T> attempt) {
		return Flux.defer(() -> {
			long maxElapsed = this.settings.maxElapsed().toNanos();
			AtomicLong since = new AtomicLong(this.nanoTime.getAsLong());
			AtomicLong attempts = new AtomicLong(1);
			// transientErrors(true): Reactor counts the attempts and grows the backoff only
			// since the last element, so a fault after progress starts afresh.
			RetryBackoffSpec spec = backoff(call, attempts,
					(failure) -> TransientFailures.isTransientRead(failure)
							&& endsBefore(retryAfter(failure), since.get() + maxElapsed))
				.transientErrors(true);
			return attempt.doOnNext((element) -> {
				since.set(this.nanoTime.getAsLong());
				attempts.set(1);
			})
				.retryWhen(spec)
				.doOnError((failure) -> gaveUp(call, attempts.get(), failure, TransientFailures.isTransientRead(failure)));
		});
	}

	private RetryBackoffSpec backoff(String call, AtomicLong attempts, Predicate<Throwable> retried) {
		// Reactor's backoff does the attempts, the jitter and the growing waits. It has no
		// way to take a wait from the failure, so the server's Retry-After is waited for
		// before it, by the async hook: the wait is never shorter than asked.
		return Retry.backoff(this.settings.maxAttempts() - 1L, this.settings.initialBackoff())
			.maxBackoff(this.settings.maxBackoff())
			.jitter(JITTER)
			.scheduler(this.scheduler)
			.filter(retried)
			.doBeforeRetry((signal) -> {
				attempts.incrementAndGet();
				tell(() -> this.listener.retrying(call, signal.totalRetries() + 1, signal.failure()));
			})
			.doBeforeRetryAsync((signal) -> {
				Duration wait = retryAfter(signal.failure());
				return wait.isZero() ? Mono.empty() : Mono.delay(wait, this.scheduler).then();
			})
			.onRetryExhaustedThrow((retrySpec, signal) -> signal.failure());
	}

	private void gaveUp(String call, long attempts, Throwable failure, boolean transientFailure) {
		if (attempts > 1 || transientFailure) {
			tell(() -> this.listener.gaveUp(call, attempts, failure));
			logger.warn("Gave up on " + call + " after " + attempts + " attempt" + ((attempts == 1) ? "" : "s") + ": "
					+ describe(failure));
		}
	}

	/**
	 * Tell the listener; whatever it throws, checked exceptions included, is logged: a
	 * listener only hears retries and must never decide them or replace the call's error.
	 */
	private void tell(Runnable notification) {
		try {
			notification.run();
		}
		catch (Throwable ex) {
			if (ex instanceof VirtualMachineError error) {
				throw error;
			}
			logger.warn("A RetryListener failed: " + ex);
		}
	}

	/**
	 * Whether a wait started now ends before {@code end} (on {@link #nanoTime}). Compared as
	 * durations: a {@code Retry-After} of a billion years has no nanosecond count.
	 */
	private boolean endsBefore(Duration wait, long end) {
		long left = end - this.nanoTime.getAsLong();
		return left > 0 && wait.compareTo(Duration.ofNanos(left)) < 0;
	}

	private Duration retryAfter(Throwable failure) {
		return TransientFailures.retryAfter(failure, this.clock);
	}

	private static TimeoutException deadlinePassed(String call, Duration deadline, @Nullable Throwable last,
			TimeoutException timeout) {
		if (last == timeout) {
			return timeout;
		}
		TimeoutException passed = new TimeoutException(
				call + " did not succeed within " + deadline + ((last != null) ? "; last failure: " + describe(last) : ""));
		if (last != null) {
			passed.initCause(last);
		}
		return passed;
	}

	/** The status or the kind of failure; never a URL, whose query may be a signature. */
	public static String describe(Throwable failure) {
		if (failure instanceof org.springframework.web.reactive.function.client.WebClientResponseException response) {
			return "answered " + response.getStatusCode().value();
		}
		if (failure instanceof io.github.sitecorecdp.api.CdpApiException api) {
			return "answered " + api.getHttpStatus();
		}
		Throwable cause = failure.getCause();
		Throwable root = (failure instanceof org.springframework.web.reactive.function.client.WebClientRequestException
				&& cause != null) ? cause : failure;
		return root.getClass().getSimpleName()
				+ ((root instanceof TimeoutException && root.getMessage() != null) ? " (" + root.getMessage() + ")" : "");
	}

	/**
	 * How often and how long to try.
	 *
	 * @param maxAttempts the most attempts of one call, the first included; 1 turns
	 * retries off
	 * @param initialBackoff the wait before the first retry, doubled for each next one
	 * @param maxBackoff the longest wait between two attempts
	 * @param maxElapsed the deadline of calls that have none of their own
	 */
	public record Settings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxElapsed) {

		/** Four attempts, from 500 ms up to 20 s apart, within 2 minutes. */
		public static final Settings DEFAULTS = new Settings(4, Duration.ofMillis(500), Duration.ofSeconds(20),
				Duration.ofMinutes(2));

		public Settings {
			if (maxAttempts < 1) {
				throw new IllegalArgumentException("maxAttempts must be at least 1");
			}
		}

	}

}

package io.github.sitecorecdp.flows;

import java.lang.reflect.Type;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.github.sitecorecdp.realtime.RealtimeSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.codec.CodecException;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.util.DefaultUriBuilderFactory;

/**
 * Runs Personalize flows ({@code POST /v2/callFlows}) within a strict deadline. A timeout,
 * an error or an open circuit gives the caller's fallback, never an exception, unless
 * the caller asks for the {@link FlowResult}. Sitecore documents {@code 503} as "try
 * again": it is retried once at once, inside the same deadline.
 *
 * <p>
 * The call carries no credentials: Personalize's {@code callFlows} authenticates by the
 * client key in the body.
 *
 * <p>
 * Decisions of flows the {@link FlowDecisionCache} names are answered from it while kept
 * there, before the circuit is asked: no call is made and the listener is told
 * {@link FlowListener#onCacheHit}, not {@link FlowListener#onCall}.
 */
public final class FlowClient {

	private static final Log logger = LogFactory.getLog(FlowClient.class);

	private final WebClient webClient;

	/** {@code /v2/callFlows} under the base URL, expanded once. */
	private final URI callFlows;

	private final RealtimeSettings settings;

	private final Duration deadline;

	private final FlowCircuitBreaker circuitBreaker;

	private final FlowListener listener;

	private final FlowDecisionCache cache;

	private final LongSupplier nanoTime;

	/**
	 * Create a client.
	 * @param webClient a WebClient without the CDP bearer token, able to read JSON
	 * @param settings the tenant's real-time settings
	 * @param deadline the time a call may take in all
	 * @param failureThreshold failed calls in a row that open the circuit
	 * @param openDuration time the circuit stays open
	 * @param nanoTime a monotonic clock in nanoseconds, such as {@code System::nanoTime}
	 * @param listener told every call's outcome
	 */
	public FlowClient(WebClient webClient, RealtimeSettings settings, Duration deadline, int failureThreshold,
			Duration openDuration, LongSupplier nanoTime, FlowListener listener) {
		this(webClient, settings, deadline, failureThreshold, openDuration, nanoTime, listener, FlowDecisionCache.NONE);
	}

	/**
	 * Create a client that answers the flows a cache names from it while it keeps their
	 * decisions.
	 * @param webClient a WebClient without the CDP bearer token, able to read JSON
	 * @param settings the tenant's real-time settings
	 * @param deadline the time a call may take in all
	 * @param failureThreshold failed calls in a row that open the circuit
	 * @param openDuration time the circuit stays open
	 * @param nanoTime a monotonic clock in nanoseconds, such as {@code System::nanoTime}
	 * @param listener told every call's outcome and every cache hit
	 * @param cache where decisions of flows that are not personal are kept
	 */
	public FlowClient(WebClient webClient, RealtimeSettings settings, Duration deadline, int failureThreshold,
			Duration openDuration, LongSupplier nanoTime, FlowListener listener, FlowDecisionCache cache) {
		this.cache = Objects.requireNonNull(cache, "cache");
		this.webClient = webClient;
		// As WebClient expands a path under its base URL, but once: per call, the template's
		// parsing and encoding was work a call to one fixed address need not do.
		this.callFlows = new DefaultUriBuilderFactory(settings.baseUrl().toString()).expand("/v2/callFlows");
		this.settings = settings;
		this.deadline = deadline;
		this.circuitBreaker = new FlowCircuitBreaker(failureThreshold, openDuration, nanoTime);
		this.listener = listener;
		this.nanoTime = nanoTime;
	}

	/**
	 * Run a flow and read its decision as {@code type}, or give {@code fallback}.
	 * @param <T> the decision's type
	 * @param friendlyId the flow's friendly id
	 * @param identity who the flow runs for
	 * @param params the flow's {@code params}, possibly empty
	 * @param type the decision's type
	 * @param fallback what to answer without a decision
	 * @return the decision or the fallback; never an error
	 */
	public <T> Mono<T> callFlow(String friendlyId, FlowIdentity identity, Map<String, ?> params, Class<T> type,
			T fallback) {
		Objects.requireNonNull(fallback, "fallback");
		return execute(friendlyId, identity, params, type).map((result) -> result.orElse(fallback));
	}

	/**
	 * Run a flow and read its decision as a generic type, or give {@code fallback}.
	 * @param <T> the decision's type
	 * @param friendlyId the flow's friendly id
	 * @param identity who the flow runs for
	 * @param params the flow's {@code params}, possibly empty
	 * @param type the decision's type
	 * @param fallback what to answer without a decision
	 * @return the decision or the fallback; never an error
	 */
	public <T> Mono<T> callFlow(String friendlyId, FlowIdentity identity, Map<String, ?> params,
			ParameterizedTypeReference<T> type, T fallback) {
		Objects.requireNonNull(fallback, "fallback");
		return execute(friendlyId, identity, params, type).map((result) -> result.orElse(fallback));
	}

	/**
	 * Blocking form of {@link #callFlow(String, FlowIdentity, Map, Class, Object)}, for
	 * servlet applications: returns within the deadline.
	 * @param <T> the decision's type
	 * @param friendlyId the flow's friendly id
	 * @param identity who the flow runs for
	 * @param params the flow's {@code params}, possibly empty
	 * @param type the decision's type
	 * @param fallback what to answer without a decision
	 * @return the decision or the fallback
	 */
	public <T> T callFlowBlocking(String friendlyId, FlowIdentity identity, Map<String, ?> params, Class<T> type,
			T fallback) {
		T answer = callFlow(friendlyId, identity, params, type, fallback).block();
		return (answer != null) ? answer : fallback;
	}

	/**
	 * Run a flow and say what came of it: the decision, or why there is none.
	 * @param <T> the decision's type
	 * @param friendlyId the flow's friendly id
	 * @param identity who the flow runs for
	 * @param params the flow's {@code params}, possibly empty
	 * @param type the decision's type
	 * @return the result; never an error
	 */
	public <T> Mono<FlowResult<T>> execute(String friendlyId, FlowIdentity identity, Map<String, ?> params,
			Class<T> type) {
		return execute(friendlyId, identity, params, type, (response) -> response.bodyToMono(type));
	}

	/**
	 * Run a flow and say what came of it, reading a generic type.
	 * @param <T> the decision's type
	 * @param friendlyId the flow's friendly id
	 * @param identity who the flow runs for
	 * @param params the flow's {@code params}, possibly empty
	 * @param type the decision's type
	 * @return the result; never an error
	 */
	public <T> Mono<FlowResult<T>> execute(String friendlyId, FlowIdentity identity, Map<String, ?> params,
			ParameterizedTypeReference<T> type) {
		return execute(friendlyId, identity, params, type.getType(), (response) -> response.bodyToMono(type));
	}

	@SuppressWarnings("unchecked")
	private <T> Mono<FlowResult<T>> execute(String friendlyId, FlowIdentity identity, Map<String, ?> params,
			Type type, Function<WebClient.ResponseSpec, Mono<T>> reader) {
		if (friendlyId == null || friendlyId.isBlank()) {
			throw new IllegalArgumentException("A flow call needs a friendly id");
		}
		Objects.requireNonNull(identity, "identity");
		Map<String, Object> body = body(friendlyId, identity, Objects.requireNonNull(params, "params"));
		FlowDecisionCache.@Nullable Key key = this.cache.caches(friendlyId)
				? new FlowDecisionCache.Key(friendlyId, identity, params, type) : null;
		return Mono.defer(() -> {
			if (key != null) {
				Object kept = this.cache.find(key);
				if (kept != null) {
					tell(() -> this.listener.onCacheHit(friendlyId));
					// Kept under the type it was read as, which is part of the key.
					return Mono.just(FlowResult.of((T) kept));
				}
			}
			long start = this.nanoTime.getAsLong();
			if (!this.circuitBreaker.tryAcquire()) {
				return Mono.just(done(friendlyId, start, FlowResult.<T>fallback(FlowFallbackReason.CIRCUIT_OPEN, null)));
			}
			AtomicBoolean settled = new AtomicBoolean();
			// One immediate retry of a 503, within the deadline below. Written as a second
			// post on that error rather than retryWhen(Retry.max(1)), whose companion sink and
			// subscription were set up on every call although few calls ever meet a 503.
			return Mono.defer(() -> post(body, reader))
				.onErrorResume(FlowClient::isServiceUnavailable, (ex) -> post(body, reader))
				// Named so that the timeout's description, which Reactor builds on every call by
				// walking the chain for a name, finds one at once.
				.name("sitecore.cdp.flows.call")
				.timeout(this.deadline)
				.map(FlowResult::of)
				.onErrorResume((ex) -> Mono.just(FlowResult.fallback(reasonOf(ex), ex)))
				.map((result) -> {
					settled.set(true);
					record(result);
					T decision = result.decision();
					if (key != null && decision != null) {
						// Decisions only: a fallback kept would hide Sitecore's recovery for the whole ttl.
						this.cache.save(key, decision);
					}
					return done(friendlyId, start, result);
				})
				.doOnCancel(() -> {
					if (settled.compareAndSet(false, true)) {
						this.circuitBreaker.onAbandoned();
					}
				});
		});
	}

	/**
	 * Post the call and read the decision. With {@code retrieve()}, not
	 * {@code exchangeToMono}: the latter asks for the body once more after every decision
	 * was read, to release what the reader left, which a profile of
	 * {@code FlowCallBenchmark} put at about 5 % of the event loops' samples; with it the
	 * flow client cost about 57 µs of CPU per call against 52 µs with {@code retrieve()}
	 * (3 alternating forks each). A non-2xx answer is released by WebClient once its
	 * exception is given.
	 */
	private <T> Mono<T> post(Map<String, Object> body, Function<WebClient.ResponseSpec, Mono<T>> reader) {
		WebClient.ResponseSpec response = this.webClient.post()
			.uri(this.callFlows)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.retrieve()
			.onStatus((status) -> !status.is2xxSuccessful(),
					(answer) -> Mono.just(new FlowStatusException(answer.statusCode().value())));
		return reader.apply(response).switchIfEmpty(Mono.error(() -> new FlowAnswerException("empty answer")));
	}

	private Map<String, Object> body(String friendlyId, FlowIdentity identity, Map<String, ?> params) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("clientKey", this.settings.clientKey());
		body.put("friendlyId", friendlyId);
		body.put("channel", this.settings.channel().name());
		body.put("language", this.settings.language());
		body.put("currencyCode", this.settings.currency());
		body.put("pointOfSale", this.settings.pointOfSale());
		body.putAll(identity.toBody());
		if (!params.isEmpty()) {
			body.put("params", params);
		}
		return body;
	}

	private void record(FlowResult<?> result) {
		FlowFallbackReason reason = result.reason();
		if (reason == null) {
			this.circuitBreaker.onSuccess();
		}
		else if (reason == FlowFallbackReason.REFUSED) {
			// A refused request says the caller's input is wrong, not that Sitecore is down.
			this.circuitBreaker.onAbandoned();
		}
		else {
			this.circuitBreaker.onFailure();
		}
	}

	private <T> FlowResult<T> done(String friendlyId, long start, FlowResult<T> result) {
		Duration elapsed = Duration.ofNanos(this.nanoTime.getAsLong() - start);
		FlowFallbackReason reason = result.reason();
		if (reason != null && logger.isWarnEnabled()) {
			logger.warn("Flow " + friendlyId + " fell back (" + reason + ") after " + elapsed.toMillis() + " ms");
		}
		tell(() -> this.listener.onCall(friendlyId, elapsed, reason));
		return result;
	}

	/**
	 * Tell the listener, never letting its failure reach the caller: a flow call answers a
	 * decision or the fallback, and a listener (metrics, the application's own) only hears
	 * about it. Checked exceptions too (Kotlin, {@code @SneakyThrows}).
	 */
	private static void tell(Runnable call) {
		try {
			call.run();
		}
		catch (Throwable ex) {
			if (ex instanceof VirtualMachineError error) {
				throw error;
			}
			logger.warn("A FlowListener failed: " + ex);
		}
	}

	FlowCircuitBreaker.State circuitState() {
		return this.circuitBreaker.state();
	}

	/**
	 * Return whether the circuit is closed, open or half-open, for metrics.
	 * @return the circuit's state: 0 closed, 1 open, 2 half-open
	 */
	public int circuitStateCode() {
		return this.circuitBreaker.state().ordinal();
	}

	private static boolean isServiceUnavailable(Throwable ex) {
		return ex instanceof FlowStatusException status && status.status == 503;
	}

	private static FlowFallbackReason reasonOf(Throwable failure) {
		Throwable ex = Exceptions.isRetryExhausted(failure) && failure.getCause() != null ? failure.getCause() : failure;
		if (ex instanceof TimeoutException) {
			return FlowFallbackReason.TIMEOUT;
		}
		if (ex instanceof FlowStatusException status) {
			return (status.status == 429 || status.status >= 500) ? FlowFallbackReason.UNAVAILABLE
					: FlowFallbackReason.REFUSED;
		}
		if (ex instanceof CodecException || ex instanceof FlowAnswerException) {
			return FlowFallbackReason.MALFORMED;
		}
		if (ex instanceof WebClientRequestException) {
			return FlowFallbackReason.CONNECTION;
		}
		// A connection closed while the answer was read surfaces outside WebClientRequestException.
		return FlowFallbackReason.CONNECTION;
	}

	/**
	 * A non-2xx answer.
	 */
	static final class FlowStatusException extends RuntimeException {

		private final int status;

		FlowStatusException(int status) {
			super("Personalize answered " + status, null, false, false);
			this.status = status;
		}

	}

	/**
	 * A 2xx answer without a readable decision.
	 */
	static final class FlowAnswerException extends RuntimeException {

		FlowAnswerException(String message) {
			super(message, null, false, false);
		}

	}

}

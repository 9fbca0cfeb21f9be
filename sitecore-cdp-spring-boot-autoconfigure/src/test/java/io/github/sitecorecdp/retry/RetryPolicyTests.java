package io.github.sitecorecdp.retry;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retry policy's waits, in virtual time: no test sleeps, every wait is exact.
 */
class RetryPolicyTests {

	private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final AtomicInteger attempts = new AtomicInteger();

	private RetryPolicy policy(RetryPolicy.Settings settings) {
		return new RetryPolicy(settings, RetryListener.NONE, Clock.fixed(NOW, ZoneOffset.UTC),
				() -> this.time.now(TimeUnit.NANOSECONDS), this.time);
	}

	/** Fails the first {@code failures} attempts with this failure, then answers "ok". */
	private Mono<String> failing(int failures, Throwable failure) {
		return Mono.defer(() -> (this.attempts.incrementAndGet() <= failures) ? Mono.error(failure) : Mono.just("ok"));
	}

	private static WebClientResponseException status(int status, String retryAfter) {
		HttpHeaders headers = new HttpHeaders();
		if (retryAfter != null) {
			headers.set("Retry-After", retryAfter);
		}
		return WebClientResponseException.create(status, "status " + status, headers, new byte[0],
				StandardCharsets.UTF_8);
	}

	@Test
	void whenRetryAfterIsInSecondsThenItIsWaitedAndTheBackoffComesOnTop() {
		RetryPolicy policy = policy(new RetryPolicy.Settings(4, Duration.ofSeconds(1), Duration.ofSeconds(5),
				Duration.ofMinutes(2)));
		StepVerifier.withVirtualTime(() -> policy.apply("test", failing(1, status(429, "10"))), () -> this.time, 1)
			.expectSubscription()
			// 10 s asked, then the first backoff: 1 s, jittered up to 1.5 s.
			.expectNoEvent(Duration.ofMillis(10_999))
			.thenAwait(Duration.ofMillis(501))
			.expectNext("ok")
			.verifyComplete();
		assertThat(this.attempts).hasValue(2);
	}

	@Test
	void whenRetryAfterIsAnHttpDateThenItIsWaitedAndTheBackoffComesOnTop() {
		String in20Seconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(20).atZone(ZoneOffset.UTC));
		RetryPolicy policy = policy(new RetryPolicy.Settings(4, Duration.ofSeconds(1), Duration.ofSeconds(5),
				Duration.ofMinutes(2)));
		StepVerifier.withVirtualTime(() -> policy.apply("test", failing(1, status(503, in20Seconds))), () -> this.time, 1)
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(20_999))
			.thenAwait(Duration.ofMillis(501))
			.expectNext("ok")
			.verifyComplete();
	}

	@Test
	void whenEveryAttemptFailsThenMaxAttemptsAreMadeAndTheLastFailureIsTold() {
		WebClientResponseException unavailable = status(503, null);
		RetryPolicy policy = policy(new RetryPolicy.Settings(3, Duration.ofSeconds(1), Duration.ofSeconds(2),
				Duration.ofMinutes(2)));
		StepVerifier.withVirtualTime(() -> policy.apply("test", failing(Integer.MAX_VALUE, unavailable)),
				() -> this.time, 1)
			.expectSubscription()
			.thenAwait(Duration.ofMinutes(1))
			.expectErrorSatisfies((ex) -> assertThat(ex).isSameAs(unavailable))
			.verify();
		assertThat(this.attempts).hasValue(3);
	}

	@Test
	void whenRetryAfterReachesPastTheDeadlineThenTheCallFailsAtOnce() {
		WebClientResponseException throttled = status(429, "60");
		RetryPolicy policy = policy(new RetryPolicy.Settings(4, Duration.ofSeconds(1), Duration.ofSeconds(5),
				Duration.ofMinutes(2)));
		StepVerifier.withVirtualTime(() -> policy.apply("test", failing(1, throttled), Duration.ofSeconds(10)),
				() -> this.time, 1)
			.expectSubscription()
			.expectErrorSatisfies((ex) -> assertThat(ex).isSameAs(throttled))
			.verify();
		assertThat(this.attempts).hasValue(1);
	}

	@Test
	void whenRetryAfterIsTooLongForNanosecondsThenTheCallFailsAtOnceWithTheServersAnswer() {
		// 10^18 seconds: Duration holds it, its nanosecond count overflows a long.
		WebClientResponseException throttled = status(429, "1000000000000000000");
		RetryPolicy policy = policy(RetryPolicy.Settings.DEFAULTS);
		StepVerifier.withVirtualTime(() -> policy.apply("test", failing(1, throttled)), () -> this.time, 1)
			.expectSubscription()
			.expectErrorSatisfies((ex) -> assertThat(ex).isSameAs(throttled))
			.verify();
		assertThat(this.attempts).hasValue(1);
	}

	@Test
	void whenABackoffReachesPastTheDeadlineThenTheDeadlineCutsItWithTheLastFailureAsCause() {
		WebClientResponseException unavailable = status(503, null);
		RetryPolicy policy = policy(new RetryPolicy.Settings(4, Duration.ofSeconds(5), Duration.ofSeconds(5),
				Duration.ofMinutes(2)));
		StepVerifier.withVirtualTime(() -> policy.apply("test", failing(1, unavailable), Duration.ofSeconds(3)),
				() -> this.time, 1)
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(2_999))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(TimeoutException.class)
				.hasMessageContaining("within PT3S")
				.hasCause(unavailable))
			.verify();
		assertThat(this.attempts).hasValue(1);
	}

	@Test
	void whenAFailureIsNotTransientThenItIsNotRetried() {
		WebClientResponseException badRequest = status(400, null);
		RetryPolicy policy = policy(RetryPolicy.Settings.DEFAULTS);
		StepVerifier.withVirtualTime(() -> policy.apply("test", failing(1, badRequest)), () -> this.time, 1)
			.expectSubscription()
			.expectErrorSatisfies((ex) -> assertThat(ex).isSameAs(badRequest))
			.verify();
		assertThat(this.attempts).hasValue(1);
	}

	@Test
	void whenBackingOffThenEachWaitIsJitteredWithinItsBounds() {
		// Reactor's bounds: the nominal wait (initial, doubled each retry, at most maxBackoff)
		// plus or minus half of it, never under initial nor over maxBackoff.
		Set<Long> firstWaits = new HashSet<>();
		for (int run = 0; run < 40; run++) {
			VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();
			List<Long> at = new ArrayList<>();
			AtomicInteger count = new AtomicInteger();
			RetryPolicy policy = new RetryPolicy(
					new RetryPolicy.Settings(4, Duration.ofSeconds(4), Duration.ofSeconds(10), Duration.ofMinutes(5)),
					RetryListener.NONE, Clock.fixed(NOW, ZoneOffset.UTC),
					() -> scheduler.now(TimeUnit.NANOSECONDS), scheduler);
			Mono<String> attempt = Mono.defer(() -> {
				at.add(scheduler.now(TimeUnit.MILLISECONDS));
				return (count.incrementAndGet() <= 3) ? Mono.error(status(503, null)) : Mono.just("ok");
			});
			StepVerifier.withVirtualTime(() -> policy.apply("test", attempt), () -> scheduler, 1)
				.expectSubscription()
				.thenAwait(Duration.ofMinutes(2))
				.expectNext("ok")
				.verifyComplete();
			assertThat(at).hasSize(4);
			long first = at.get(1) - at.get(0);
			long second = at.get(2) - at.get(1);
			long third = at.get(3) - at.get(2);
			assertThat(first).isBetween(4_000L, 6_000L);
			assertThat(second).isBetween(4_000L, 10_000L);
			assertThat(third).isBetween(5_000L, 10_000L);
			firstWaits.add(first);
		}
		assertThat(firstWaits).hasSizeGreaterThan(5);
	}

}

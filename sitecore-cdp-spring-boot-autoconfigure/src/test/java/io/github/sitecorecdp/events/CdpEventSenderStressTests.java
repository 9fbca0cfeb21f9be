package io.github.sitecorecdp.events;

import java.lang.reflect.Field;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.sitecorecdp.realtime.Channel;
import io.github.sitecorecdp.realtime.RealtimeSettings;
import io.github.sitecorecdp.retry.RetryListener;
import io.github.sitecorecdp.retry.RetryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.mock.http.client.reactive.MockClientHttpResponse;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads sending and one flushing while the sender is stopped and started again,
 * for seconds: every attempt is counted exactly once (sent, failed or dropped), no event
 * is delivered twice or delivered after {@code send} refused it, each visitor's events
 * arrive in order (also with one call at a time), the queue's counts return
 * to zero, and the intake, which allows one reader, never has two.
 */
class CdpEventSenderStressTests {

	private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

	private static final Pattern VISITOR = Pattern.compile("\"visitor\":\"([^\"]+)\"");

	/** The sender's intake, seen by the test: counts polls by two threads at once. */
	static final class CheckingQueue extends ConcurrentLinkedQueue<Object> {

		final Queue<Object> delegate;

		final AtomicReference<Thread> polling = new AtomicReference<>();

		final AtomicInteger concurrentPolls = new AtomicInteger();

		CheckingQueue(Queue<Object> delegate) {
			this.delegate = delegate;
		}

		@Override
		public boolean offer(Object o) {
			return this.delegate.offer(o);
		}

		@Override
		public boolean add(Object o) {
			return this.delegate.offer(o);
		}

		@Override
		public Object poll() {
			Thread me = Thread.currentThread();
			if (this.polling.getAndSet(me) != null) {
				this.concurrentPolls.incrementAndGet();
			}
			try {
				return this.delegate.poll();
			}
			finally {
				this.polling.compareAndSet(me, null);
			}
		}

		@Override
		public boolean remove(Object o) {
			return this.delegate.remove(o);
		}

		@Override
		public boolean isEmpty() {
			return this.delegate.isEmpty();
		}

	}

	/** Answers on Reactor's parallel threads after a short random delay. */
	static final class FakeApi {

		final Set<Integer> delivered = ConcurrentHashMap.newKeySet();

		final AtomicInteger duplicates = new AtomicInteger();

		final AtomicInteger refs = new AtomicInteger();

		final ConcurrentHashMap<String, Integer> lastByVisitor = new ConcurrentHashMap<>();

		final AtomicInteger outOfOrder = new AtomicInteger();

		final AtomicInteger unreadable = new AtomicInteger();

		ClientHttpConnector connector() {
			return (method, uri, request) -> Mono.delay(Duration.ofNanos(ThreadLocalRandom.current().nextLong(300_000)))
				.map((tick) -> {
					String text = URLDecoder.decode(uri.getRawQuery(), StandardCharsets.UTF_8);
					if (uri.getPath().contains("browser/create")) {
						MockClientHttpResponse response = new MockClientHttpResponse(HttpStatus.OK);
						response.setBody("{\"ref\":\"r" + this.refs.incrementAndGet() + "\"}");
						return response;
					}
					Matcher seq = SEQ.matcher(text);
					Matcher visitor = VISITOR.matcher(text);
					if (!seq.find() || !visitor.find()) {
						// Counted, so that neither check can pass by reading nothing.
						this.unreadable.incrementAndGet();
					}
					else {
						int id = Integer.parseInt(seq.group(1));
						if (!this.delivered.add(id)) {
							this.duplicates.incrementAndGet();
						}
						Integer before = this.lastByVisitor.put(visitor.group(1), id);
						if (before != null && before > id) {
							this.outOfOrder.incrementAndGet();
						}
					}
					MockClientHttpResponse response = new MockClientHttpResponse(HttpStatus.CREATED);
					response.setBody("");
					return response;
				});
		}

	}

	private static CdpEventSender sender(FakeApi api, int capacity, Duration shutdownTimeout, int maxInFlight) {
		RetryPolicy retry = new RetryPolicy(
				new RetryPolicy.Settings(3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(5)),
				RetryListener.NONE, Clock.systemUTC());
		return new CdpEventSender(WebClient.builder().clientConnector(api.connector()).build(),
				new RealtimeSettings(URI.create("http://127.0.0.1:9"), "ck", "shop.example", Channel.WEB, "EN", "EUR"),
				new CaffeineBrowserRefStore(10_000, Duration.ofMinutes(5)), retry,
				new CdpEventSender.Settings(capacity, 64L * 1024 * 1024, maxInFlight, shutdownTimeout, Duration.ofMinutes(1)),
				System::nanoTime);
	}

	private static CheckingQueue instrument(CdpEventSender sender) throws Exception {
		Field intake = CdpEventSender.class.getDeclaredField("intake");
		intake.setAccessible(true);
		@SuppressWarnings("unchecked")
		CheckingQueue checking = new CheckingQueue((Queue<Object>) intake.get(sender));
		intake.set(sender, checking);
		return checking;
	}

	/** Events and bytes still counted in: both must be back at zero. */
	private static long[] load(CdpEventSender sender) throws Exception {
		Field load = CdpEventSender.class.getDeclaredField("load");
		load.setAccessible(true);
		long value = ((AtomicLong) load.get(sender)).get();
		return new long[] { value >>> 38, value & ((1L << 38) - 1) };
	}

	@Test
	@Timeout(120)
	void whenStoppedAndStartedWhileThreadsSendAndFlushThenEveryAttemptIsCountedOnceInOrder() throws Exception {
		run(Integer.getInteger("stress.rounds", 12), Duration.ofSeconds(10), 8);
	}

	@Test
	@Timeout(120)
	void whenStoppedWithoutAShutdownTimeoutWhileThreadsSendThenEveryAttemptIsCountedOnceInOrder() throws Exception {
		run(Integer.getInteger("stress.rounds", 12), Duration.ZERO, 8);
	}

	@Test
	@Timeout(120)
	void whenOneCallAtATimeAndStoppedAndStartedWhileThreadsSendAndFlushThenEveryAttemptIsCountedOnceInOrder()
			throws Exception {
		// A call slot is the scarce thing: events wait in the intake most of the time.
		run(Integer.getInteger("stress.rounds", 12), Duration.ofSeconds(10), 1);
	}

	private void run(int rounds, Duration shutdownTimeout, int maxInFlight) throws Exception {
		FakeApi api = new FakeApi();
		CdpEventSender sender = sender(api, 2_000, shutdownTimeout, maxInFlight);
		CheckingQueue intake = instrument(sender);
		sender.start();
		int threads = Integer.getInteger("stress.threads", 4);
		AtomicBoolean done = new AtomicBoolean();
		AtomicLong attempts = new AtomicLong();
		AtomicLong accepted = new AtomicLong();
		AtomicInteger ids = new AtomicInteger();
		Set<Integer> refused = ConcurrentHashMap.newKeySet();
		ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
		for (int t = 0; t < threads; t++) {
			int thread = t;
			pool.submit(() -> {
				int i = 0;
				while (!done.get()) {
					int id = ids.incrementAndGet();
					attempts.incrementAndGet();
					String visitor = "t" + thread + "-v" + (i++ % 7);
					if (sender.send(visitor, CdpEvent.view("/p").withExt("seq", id).withExt("visitor", visitor))) {
						accepted.incrementAndGet();
					}
					else {
						refused.add(id);
					}
					if ((i & 7) == 0) {
						LockSupport.parkNanos(20_000);
					}
				}
				return null;
			});
		}
		pool.submit(() -> {
			while (!done.get()) {
				sender.flush(Duration.ofMillis(ThreadLocalRandom.current().nextInt(1, 30)));
			}
			return null;
		});
		for (int r = 0; r < rounds; r++) {
			Thread.sleep(ThreadLocalRandom.current().nextInt(5, 60));
			long start = System.nanoTime();
			sender.stop();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
			Thread.sleep(ThreadLocalRandom.current().nextInt(0, 3));
			sender.start();
		}
		Thread.sleep(50);
		sender.stop();
		done.set(true);
		pool.shutdown();
		assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		// Late answers of cancelled calls, if any, change nothing.
		Thread.sleep(200);
		long sent = sender.sentCount();
		long failed = sender.failedCount();
		long dropped = sender.droppedCount();
		assertThat(intake.concurrentPolls.get()).as("two threads polled the intake at once").isZero();
		assertThat(sent + failed + dropped).as("every attempt counted once").isEqualTo(attempts.get());
		assertThat(load(sender)).as("events and bytes counted in").containsExactly(0, 0);
		assertThat(sender.queueDepth()).isZero();
		assertThat(api.duplicates.get()).isZero();
		assertThat(api.unreadable.get()).as("events without seq or visitor").isZero();
		assertThat(api.outOfOrder.get()).as("per-visitor order").isZero();
		Set<Integer> refusedButDelivered = ConcurrentHashMap.newKeySet();
		refusedButDelivered.addAll(refused);
		refusedButDelivered.retainAll(api.delivered);
		assertThat(refusedButDelivered).as("send returned false but the event was delivered").isEmpty();
		assertThat(sent).isLessThanOrEqualTo(api.delivered.size());
		assertThat(accepted.get() - sent - failed).as("accepted events counted dropped by the sweep")
			.isEqualTo(dropped - refused.size());
	}

}

package io.github.sitecorecdp.benchmarks;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.sitecorecdp.events.CaffeineBrowserRefStore;
import io.github.sitecorecdp.events.CdpEvent;
import io.github.sitecorecdp.events.CdpEventSender;
import io.github.sitecorecdp.realtime.Channel;
import io.github.sitecorecdp.realtime.RealtimeSettings;
import io.github.sitecorecdp.retry.RetryListener;
import io.github.sitecorecdp.retry.RetryPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * What {@link CdpEventSender#send} costs the request that calls it (issue 23: at most
 * 1 µs at p99, from one thread and from eight, allocating at most the event plus 200
 * bytes). Sample-time mode gives the percentiles, the GC profiler ({@code -prof gc}) the
 * bytes per operation. Each {@code send} operation builds the event and sends it; the
 * {@code event} operations only build the same event (and read the visitor key), so the
 * difference between the two, within the run, is what {@code send} adds.
 *
 * <p>
 * The sender's worker must not be what is measured, and neither must drops: a Stream API
 * on loopback answers some ten thousand events a second, {@code send} takes a fraction
 * of a microsecond, so any real API lets the queue fill within milliseconds, and from
 * then on every {@code send} is a drop (a different, shorter path). So the sender's API
 * never answers (a connector whose answer never comes: no network, so that connection
 * set-up does not count in the bytes per operation), its worker starts its 32 calls and
 * then leaves the events in the intake, as it does while an API is slow; and its queue
 * holds {@value #QUEUE_CAPACITY} events under the largest byte
 * bound (256 GiB), more than an iteration sends. A fresh sender is started for each iteration (iterations are
 * short, 200 ms, because every event sent stays in memory until the iteration's sender is
 * stopped), and an iteration in which a single event was dropped fails the run: what is
 * measured is the enqueue path, not drops.
 *
 * <p>
 * The heap is large, its young generation 6 GB and touched before the run: the events of
 * an iteration (over a million from 8 threads) all stay in memory, and in a 2 GB heap a
 * young collection copied them within nearly every 200 ms iteration (pauses of 250 to
 * 450 ms, the to-space exhausted at times), a cost of this benchmark's never-answering API,
 * not of {@code send}: an application's queue holds 10,000 events by default. Here a
 * collection falls in about one iteration of ten, and it is measured like the rest. Without
 * touching the pages first, the first write to each new page of the young generation
 * faulted (p90 over 10 µs), which is why the heap is pre-touched.
 *
 * <p>
 * The GC profiler counts what every thread allocated during an iteration, its set-up
 * included, divided by the operations: the iteration's new sender and its
 * first 32 calls count in {@code send}'s bytes, a few bytes per operation at most.
 *
 * <p>
 * Every fork starts the same Spring Boot application with the starter, as the other
 * benchmarks do; the sender measured is built directly, because the auto-configured one
 * is bounded to the default 10,000 events.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = { "-Xms8g", "-Xmx8g", "-Xmn6g", "-XX:+AlwaysPreTouch" })
@Warmup(iterations = 10, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 25, time = 200, timeUnit = TimeUnit.MILLISECONDS)
public class EventSendBenchmark {

	/** More than any iteration sends, so that no send is a drop (checked). */
	static final int QUEUE_CAPACITY = 20_000_000;

	/** Visitor keys the threads cycle through (a power of two). */
	static final int VISITORS = 1024;

	private static final String[] KEYS = Clients.visitors(VISITORS);

	private BenchServer server;

	private Clients.Realtime application;

	private WebClient webClient;

	private RealtimeSettings realtime;

	private CaffeineBrowserRefStore browserRefs;

	private RetryPolicy retryPolicy;

	private CdpEventSender sender;

	/** The visitor key of a thread's next event. */
	@State(Scope.Thread)
	public static class Visitor {

		private int next;

		String key() {
			return KEYS[this.next++ & (VISITORS - 1)];
		}

	}

	@Setup
	public void start() {
		this.server = new BenchServer(Clock.systemUTC());
		// Each iteration's sender is stopped with events queued, and says so at WARN.
		this.application = Clients.realtime(this.server, Map.of("logging.level.io.github.sitecorecdp.events", "error"));
		ClientHttpConnector neverAnswers = (method, uri, callback) -> Mono.never();
		this.webClient = WebClient.builder()
			.clientConnector(neverAnswers)
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.build();
		this.realtime = new RealtimeSettings(URI.create(this.server.baseUrl()), Clients.CLIENT_KEY,
				Clients.POINT_OF_SALE, Channel.WEB, "EN", "EUR");
		// Shared by the iterations' senders: it stays empty, no browser ref is ever created.
		this.browserRefs = new CaffeineBrowserRefStore(100_000, Duration.ofMinutes(30));
		this.retryPolicy = new RetryPolicy(RetryPolicy.Settings.DEFAULTS, RetryListener.NONE, Clock.systemUTC());
	}

	@Setup(Level.Iteration)
	public void startSender() {
		this.sender = new CdpEventSender(this.webClient, this.realtime, this.browserRefs, this.retryPolicy,
				new CdpEventSender.Settings(QUEUE_CAPACITY, CdpEventSender.MAX_QUEUE_BYTES, 32, Duration.ZERO,
						Duration.ofMinutes(1)),
				System::nanoTime);
		this.sender.start();
	}

	@TearDown(Level.Iteration)
	public void stopSender() {
		long dropped = this.sender.droppedCount();
		// No drain (shutdown timeout zero): the queued events are counted dropped, after the check.
		this.sender.stop();
		if (dropped > 0) {
			throw new IllegalStateException(dropped + " events were dropped: the queue of " + QUEUE_CAPACITY
					+ " filled within an iteration, so drops were measured, not the enqueue path");
		}
	}

	@TearDown
	public void stop() {
		this.application.close();
		this.server.close();
	}

	@Benchmark
	@Threads(1)
	public boolean send(Visitor visitor) {
		return this.sender.send(visitor.key(), Clients.pageView());
	}

	@Benchmark
	@Threads(8)
	public boolean send8Threads(Visitor visitor) {
		return this.sender.send(visitor.key(), Clients.pageView());
	}

	@Benchmark
	@Threads(1)
	public CdpEvent event(Visitor visitor, Blackhole blackhole) {
		blackhole.consume(visitor.key());
		return Clients.pageView();
	}

	@Benchmark
	@Threads(8)
	public CdpEvent event8Threads(Visitor visitor, Blackhole blackhole) {
		blackhole.consume(visitor.key());
		return Clients.pageView();
	}

}

package io.github.sitecorecdp.events;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

import io.github.sitecorecdp.fake.FakeBatches;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.fake.FakeStreamApi;
import io.github.sitecorecdp.realtime.Channel;
import io.github.sitecorecdp.realtime.RealtimeSettings;
import io.github.sitecorecdp.retry.RetryListener;
import io.github.sitecorecdp.retry.RetryPolicy;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sender against a loopback Stream API: what it refuses, drops, bounds, orders, flushes
 * and drains, counted exactly at the server.
 */
@ExtendWith(OutputCaptureExtension.class)
class CdpEventSenderTests {

	private static final String EVENT_CREATE = "/v1.2/event/create.json";

	private final StreamApiServer api;

	private final List<CdpEventSender> senders = new ArrayList<>();

	CdpEventSenderTests() throws Exception {
		this.api = new StreamApiServer();
	}

	@AfterEach
	void close() {
		this.senders.forEach(CdpEventSender::stop);
		this.api.close();
	}

	private CdpEventSender sender(int capacity, int maxInFlight, Duration maxElapsed, BrowserRefStore store) {
		return sender(realtime(this.api.baseUrl()), capacity, maxInFlight, maxElapsed, store);
	}

	private CdpEventSender sender(RealtimeSettings realtime, int capacity, int maxInFlight, Duration maxElapsed,
			BrowserRefStore store) {
		return sender(CdpEventSender::overReactorNetty, HttpClient.create(), realtime, store, maxElapsed,
				new CdpEventSender.Settings(capacity, 1_000_000, maxInFlight, Duration.ofSeconds(10),
						Duration.ofMinutes(1)));
	}

	/** A sender over the given client, with a browser ref store of its own. */
	private <C> CdpEventSender sender(Maker<C> maker, C client, URI baseUrl, Duration maxElapsed,
			CdpEventSender.Settings settings) {
		return sender(maker, client, realtime(baseUrl), new CaffeineBrowserRefStore(1000, Duration.ofMinutes(5)),
				maxElapsed, settings);
	}

	/** A started sender, made by {@code maker} over {@code client}, stopped after the test. */
	private <C> CdpEventSender sender(Maker<C> maker, C client, RealtimeSettings realtime, BrowserRefStore store,
			Duration maxElapsed, CdpEventSender.Settings settings) {
		CdpEventSender sender = maker.make(client, realtime, store, retry(maxElapsed), settings, System::nanoTime);
		sender.start();
		this.senders.add(sender);
		return sender;
	}

	/**
	 * How a sender is made over a client of type {@code C}: {@code CdpEventSender::new} over a
	 * WebClient, {@code CdpEventSender::overReactorNetty} over Reactor Netty.
	 */
	@FunctionalInterface
	private interface Maker<C> {

		CdpEventSender make(C client, RealtimeSettings realtime, BrowserRefStore browserRefs, RetryPolicy retryPolicy,
				CdpEventSender.Settings settings, LongSupplier nanoTime);

	}

	private static RealtimeSettings realtime(URI baseUrl) {
		return new RealtimeSettings(baseUrl, "ck", "shop.example", Channel.WEB, "EN", "EUR");
	}

	private static RetryPolicy retry(Duration maxElapsed) {
		return new RetryPolicy(new RetryPolicy.Settings(20, Duration.ofMillis(5), Duration.ofMillis(20), maxElapsed),
				RetryListener.NONE, Clock.systemUTC());
	}

	private CdpEventSender sender() {
		return sender(10_000, 8, Duration.ofSeconds(5), new CaffeineBrowserRefStore(1000, Duration.ofMinutes(5)));
	}

	private static CdpEvent numbered(int seq) {
		return CdpEvent.view("/p").withExt("seq", seq);
	}

	@Test
	void whenAnEventBreaksSitecoresRulesThenSendRefusesItAndNothingIsSent() {
		CdpEventSender sender = sender();
		Map<String, CdpEvent> bad = Map.of("not a valid custom type", CdpEvent.custom("order_shipped", "/p"),
				"starts with SC_", CdpEvent.custom("SC_MINE", "/p"),
				"is a type of Sitecore's own", CdpEvent.custom("VIEW", "/p"),
				"has no identifiers", CdpEvent.identity("/p"),
				"has the status 'DONE'", CdpEvent.checkout("/p", "o-1", "DONE"),
				"without 'price'", CdpEvent.add("/p", Map.of("type", "T", "item_id", "i", "name", "n",
						"orderedAt", "2024-01-01T00:00Z", "quantity", 1, "productId", "p", "currency", "EUR",
						"referenceId", "r")),
				"ext is flat", CdpEvent.view("/p").withExt("nested", Map.of("a", 1)),
				"has the language 'en'", CdpEvent.view("/p").withLanguage("en"));
		bad.forEach((reason, event) -> assertThatExceptionOfType(InvalidCdpEventException.class)
			.as(reason)
			.isThrownBy(() -> sender.send("v", event))
			.withMessageContaining(reason));
		CdpEvent tooWide = CdpEvent.view("/p");
		for (int i = 0; i <= 50; i++) {
			tooWide = tooWide.withExt("a" + i, i);
		}
		CdpEvent fiftyOne = tooWide;
		assertThatExceptionOfType(InvalidCdpEventException.class).isThrownBy(() -> sender.send("v", fiftyOne))
			.withMessageContaining("51 ext attributes, but Sitecore takes at most 50");
		assertThat(sender.flush(Duration.ofSeconds(5)).remaining()).isZero();
		assertThat(this.api.eventRequests.get()).isZero();
		assertThat(sender.droppedCount()).isZero();
	}

	@Test
	void whenEventsOfEachTypeAreSentThenSitecoreReceivesTheirFields() {
		CdpEventSender sender = sender();
		sender.send("v", CdpEvent.view("/home").with("referrer", "https://search.example"));
		sender.send("v", CdpEvent.identity("/login", Identifier.of("ada@example.com", "email")));
		sender.send("v", CdpEvent.custom("ORDER_SHIPPED", "/p").withExt("carrier", "DHL").withExt("express", true));
		assertThat(sender.flush(Duration.ofSeconds(10)).completed()).isTrue();
		assertThat(this.api.browserRefs.get()).isOne();
		assertThat(this.api.eventsByBrowser.get("b-1")).satisfiesExactly(
				(view) -> assertThat(view).contains("\"type\":\"VIEW\"", "\"pos\":\"shop.example\"",
						"\"channel\":\"WEB\"", "\"language\":\"EN\"", "\"currency\":\"EUR\"", "\"page\":\"/home\"",
						"\"referrer\":\"https://search.example\""),
				(identity) -> assertThat(identity).contains("\"type\":\"IDENTITY\"",
						"\"identifiers\":[{\"id\":\"ada@example.com\",\"provider\":\"email\"}]"),
				(custom) -> assertThat(custom).contains("\"type\":\"ORDER_SHIPPED\"",
						"\"ext\":{\"carrier\":\"DHL\",\"express\":true}"));
		assertThat(sender.sentCount()).isEqualTo(3);
	}

	@Test
	void whenTheSenderStopsWithEventsQueuedThenItSaysSoAtInfoAndHowLongTheDrainTook(CapturedOutput output) {
		// Four visitors' lanes at 20 ms a call: the 40 events take at least 200 ms.
		this.api.delayMillis = 20;
		CdpEventSender sender = sender();
		for (int i = 0; i < 40; i++) {
			assertThat(sender.send("v" + (i % 4), numbered(i))).isTrue();
		}
		sender.stop();
		assertThat(this.api.events).hasSize(40);
		assertThat(output.getOut())
			.containsPattern("INFO .*Sending the [1-9][0-9]* queued event\\(s\\) before stopping, for at most 10s")
			.containsPattern("INFO .*Stopped with every queued event settled, after [0-9]+ ms: [1-9][0-9]* sent, 0 failed");
	}

	@Test
	void whenTheApiIsDownThenSendNeverBlocksAndDropsAreCounted() {
		// Nothing listens there: every call fails to connect and is retried for a minute.
		CdpEventSender sender = sender(realtime(URI.create("http://127.0.0.1:9")), 10, 4, Duration.ofMinutes(1),
				new CaffeineBrowserRefStore(1000, Duration.ofMinutes(5)));
		int accepted = 0;
		for (int i = 0; i < 100; i++) {
			if (sender.send("v" + i, numbered(i))) {
				accepted++;
			}
		}
		assertThat(accepted).isEqualTo(10);
		assertThat(sender.droppedCount()).isEqualTo(90);
		assertThat(sender.queueDepth()).isEqualTo(10);
		assertThat(sender.flush(Duration.ofMillis(200)).remaining()).isEqualTo(10);
	}

	@Test
	void whenTheQueueHoldsItsBytesThenFurtherEventsAreDroppedAndCounted() {
		int size = CdpEventRules.check(numbered(0));
		// Room for exactly three events; far more room in events.
		CdpEventSender sender = stalledSender(1000, 3L * size);
		int accepted = 0;
		for (int i = 0; i < 10; i++) {
			if (sender.send("v" + i, numbered(0))) {
				accepted++;
			}
		}
		assertThat(accepted).isEqualTo(3);
		assertThat(sender.droppedCount()).isEqualTo(7);
		assertThat(sender.queueDepth()).isEqualTo(3);
	}

	@Test
	void whenEventsAreAcknowledgedThenTheirPlaceAndBytesAreFreeAgain() {
		int size = CdpEventRules.check(numbered(0));
		// Room for exactly three events in bytes, and for three in count.
		CdpEventSender sender = sender(CdpEventSender::overReactorNetty, HttpClient.create(), this.api.baseUrl(),
				Duration.ofSeconds(5),
				new CdpEventSender.Settings(3, 3L * size, 4, Duration.ofSeconds(10), Duration.ofMinutes(1)));
		for (int round = 0; round < 3; round++) {
			for (int i = 0; i < 3; i++) {
				assertThat(sender.send("v" + i, numbered(round * 3 + i))).isTrue();
			}
			assertThat(sender.flush(Duration.ofSeconds(10)).completed()).isTrue();
			assertThat(sender.queueDepth()).isZero();
		}
		// Held by a slow API now: the bounds are exactly what they were at the start (the
		// events are of the same size: single-digit sequence numbers).
		this.api.delayMillis = 2000;
		for (int i = 0; i < 3; i++) {
			assertThat(sender.send("w" + i, numbered(i))).isTrue();
		}
		assertThat(sender.send("w3", numbered(3))).isFalse();
		assertThat(sender.sentCount()).isEqualTo(9);
		assertThat(sender.droppedCount()).isEqualTo(1);
	}

	@Test
	void whenManyThreadsSendIntoAStalledApiForASecondThenExactlyTheCapacityIsAcceptedAndEveryOtherEventDropped()
			throws Exception {
		CdpEventSender sender = stalledSender(5000, CdpEventSender.MAX_QUEUE_BYTES);
		int threads = 8;
		AtomicLong accepted = new AtomicLong();
		AtomicLong attempted = new AtomicLong();
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			for (int t = 0; t < threads; t++) {
				int thread = t;
				pool.execute(() -> {
					for (int i = 0; System.nanoTime() < end; i++) {
						attempted.incrementAndGet();
						if (sender.send("v" + thread + "-" + (i % 100), numbered(i))) {
							accepted.incrementAndGet();
						}
					}
				});
			}
		}
		finally {
			pool.shutdown();
		}
		assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		assertThat(attempted.get()).isGreaterThan(5000);
		assertThat(accepted.get()).isEqualTo(5000);
		assertThat(sender.queueDepth()).isEqualTo(5000);
		assertThat(sender.droppedCount()).isEqualTo(attempted.get() - 5000);
	}

	/**
	 * A sender whose API never answers (its calls neither end nor fail), so that what is
	 * accepted stays queued; it stops at once.
	 */
	private CdpEventSender stalledSender(int capacity, long queueBytes) {
		ClientHttpConnector neverAnswers = (method, uri, request) -> Mono.never();
		return sender(CdpEventSender::new, WebClient.builder().clientConnector(neverAnswers).build(),
				URI.create("http://127.0.0.1:9"), Duration.ofMinutes(1),
				new CdpEventSender.Settings(capacity, queueBytes, 4, Duration.ofMillis(100), Duration.ofMinutes(1)));
	}

	@Test
	void whenTheApiIsSlowThenCallsInFlightAreBounded() {
		this.api.delayMillis = 100;
		CdpEventSender sender = sender(10_000, 4, Duration.ofSeconds(30),
				new CaffeineBrowserRefStore(1000, Duration.ofMinutes(5)));
		IntStream.range(0, 24).forEach((i) -> sender.send("v" + i, numbered(i)));
		assertThat(sender.flush(Duration.ofSeconds(15)).completed()).isTrue();
		assertThat(this.api.events).hasSize(24);
		assertThat(this.api.maxConcurrent.get()).isEqualTo(4);
	}

	@Test
	void whenFlushedThenItReturnsOnceEveryEarlierEventIsAcknowledged() {
		this.api.delayMillis = 20;
		CdpEventSender sender = sender();
		IntStream.range(0, 30).forEach((i) -> sender.send("v" + (i % 3), numbered(i)));
		FlushResult result = sender.flush(Duration.ofSeconds(10));
		assertThat(result.remaining()).isZero();
		assertThat(this.api.events).hasSize(30);
		assertThat(sender.sentCount()).isEqualTo(30);
	}

	@Test
	void whenFlushTimesOutThenItSaysHowManyAreLeft() {
		this.api.gate = new CountDownLatch(1);
		CdpEventSender sender = sender();
		IntStream.range(0, 5).forEach((i) -> sender.send("same", numbered(i)));
		assertThat(sender.flush(Duration.ofMillis(300)).remaining()).isEqualTo(5);
		this.api.gate.countDown();
		assertThat(sender.flush(Duration.ofSeconds(10)).remaining()).isZero();
		assertThat(this.api.extValues("b-1", "seq")).containsExactly("0", "1", "2", "3", "4");
	}

	@Test
	void whenFlushTimesOutWhileEverySlotIsTakenThenItCountsOnlyTheEventsSentBeforeIt() throws Exception {
		CdpEventSender sender = everySlotTakenWith(6);
		ExecutorService later = Executors.newSingleThreadExecutor();
		try {
			// Sent while the flush waits: events a flush did not cover must not count in its answer.
			later.submit(() -> {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
				IntStream.range(0, 10).forEach((i) -> sender.send("w" + i, numbered(100 + i)));
			});
			assertThat(sender.flush(Duration.ofMillis(1500)).remaining()).isEqualTo(6);
		}
		finally {
			later.shutdownNow();
		}
		assertThat(sender.queueDepth()).isEqualTo(16);
		this.api.gate.countDown();
		assertThat(sender.flush(Duration.ofSeconds(10)).remaining()).isZero();
		assertThat(this.api.events).hasSize(16);
	}

	@Test
	void whenTwoVisitorsHaveBacklogsThenAThirdVisitorsOnlyEventIsNotSentAfterThem() {
		this.api.delayMillis = 10;
		CdpEventSender sender = sender(10_000, 2, Duration.ofSeconds(30),
				new CaffeineBrowserRefStore(1000, Duration.ofMinutes(5)));
		for (int i = 0; i < 50; i++) {
			sender.send("a", CdpEvent.view("/p").withExt("visitor", "a"));
			sender.send("b", CdpEvent.view("/p").withExt("visitor", "b"));
		}
		sender.send("c", CdpEvent.view("/p").withExt("visitor", "c"));
		// Waited for at the server, not with flush, whose marker changes how far the
		// intake is taken: visitors take turns for the call slots, so c waits for a few
		// calls, not for the 100 events queued before it.
		awaitAtTheApi(this.api.events::size, 101, Duration.ofSeconds(30));
		assertThat(this.api.events).hasSize(101);
		int position = IntStream.range(0, 101)
			.filter((i) -> this.api.events.get(i).contains("\"visitor\":\"c\""))
			.findFirst()
			.orElseThrow();
		assertThat(position).as("events sent before the third visitor's").isLessThan(10);
	}

	@Test
	void whenTheStoppingThreadIsInterruptedThenStopEndsAtOnceAndCountsWhatIsLeftDropped(CapturedOutput output) {
		CdpEventSender sender = everySlotTakenWith(10);
		long start = System.nanoTime();
		Thread.currentThread().interrupt();
		try {
			sender.stop();
			assertThat(Thread.currentThread().isInterrupted()).as("interrupt kept").isTrue();
		}
		finally {
			Thread.interrupted();
			this.api.gate.countDown();
		}
		// The shutdown timeout is 10 s: an interrupted stop does not wait it out.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(sender.droppedCount()).isEqualTo(10);
		assertThat(sender.queueDepth()).isZero();
		assertThat(output.getOut()).contains("Stopped with 10 event(s) not acknowledged by Sitecore when the "
				+ "stopping thread was interrupted; counted as dropped");
	}

	/**
	 * A sender of 4 call slots whose API holds its answers ({@code api.gate}) once the
	 * given events (of as many visitors) are sent: 4 calls wait at the API, the rest queued.
	 */
	private CdpEventSender everySlotTakenWith(int events) {
		this.api.gate = new CountDownLatch(1);
		CdpEventSender sender = sender(10_000, 4, Duration.ofSeconds(30),
				new CaffeineBrowserRefStore(1000, Duration.ofMinutes(5)));
		IntStream.range(0, events).forEach((i) -> sender.send("v" + i, numbered(i)));
		awaitAtTheApi(this.api.eventRequests::get, 4, Duration.ofSeconds(10));
		assertThat(this.api.eventRequests.get()).isEqualTo(4);
		return sender;
	}

	/** Wait until the count seen at the API reaches {@code expected}, at most {@code timeout}. */
	private static void awaitAtTheApi(IntSupplier count, int expected, Duration timeout) {
		long end = System.nanoTime() + timeout.toNanos();
		while (count.getAsInt() < expected && System.nanoTime() < end) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
	}

	@Test
	void whenTheWorkerFailsOnAnEventThenFlushDoesNotHangAndLaterEventsAreSent() {
		BrowserRefStore failing = new BrowserRefStore() {

			private final CaffeineBrowserRefStore delegate = new CaffeineBrowserRefStore(100, Duration.ofMinutes(1));

			@Override
			public @Nullable String find(String visitorKey) {
				if (visitorKey.equals("poison")) {
					throw new AssertionError("store broken");
				}
				return this.delegate.find(visitorKey);
			}

			@Override
			public void save(String visitorKey, String browserRef) {
				this.delegate.save(visitorKey, browserRef);
			}

		};
		CdpEventSender sender = sender(100, 4, Duration.ofSeconds(5), failing);
		sender.send("poison", numbered(0));
		sender.send("fine", numbered(1));
		assertThat(sender.flush(Duration.ofSeconds(10)).remaining()).isZero();
		assertThat(sender.failedCount()).isOne();
		assertThat(sender.sentCount()).isOne();
		assertThat(this.api.events).hasSize(1);
	}

	@Test
	void whenSitecoreAnswers429WithRetryAfterThenTheRetryWaitsAtLeastThatLong() {
		this.api.script.add("429:1");
		CdpEventSender sender = sender();
		sender.send("v", numbered(7));
		assertThat(sender.flush(Duration.ofSeconds(10)).completed()).isTrue();
		assertThat(this.api.eventRequests.get()).isEqualTo(2);
		assertThat(this.api.events).hasSize(1);
		long waited = this.api.eventRequestNanos.get(1) - this.api.eventRequestNanos.get(0);
		assertThat(waited).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
	}

	@Test
	void whenSitecoreAnswers503ThenTheEventIsRetriedAndArrivesOnce() {
		this.api.script.add("503");
		this.api.script.add("502");
		CdpEventSender sender = sender();
		sender.send("v", numbered(1));
		assertThat(sender.flush(Duration.ofSeconds(10)).completed()).isTrue();
		assertThat(this.api.eventRequests.get()).isEqualTo(3);
		assertThat(this.api.events).hasSize(1);
		assertThat(sender.failedCount()).isZero();
	}

	@Test
	void whenTheConnectionIsResetOnTheFirstAttemptThenTheRetryDeliversTheEventOnceAndItCountsSent()
			throws IOException {
		// Reset once the request's head is in: Reactor Netty retries by itself only a request
		// whose headers were not sent, so the retry here is the sender's.
		AtomicInteger attempts = new AtomicInteger();
		try (RawHttpServer server = RawHttpServer.start((head) -> (isEventCreate(head)
				&& attempts.incrementAndGet() == 1) ? RawHttpServer.Answer.reset() : acknowledging(head))) {
			CdpEventSender sender = sentOneEventTo(server);
			assertThat(server.requests(EVENT_CREATE)).as("event calls: the reset one, then the answered one")
				.isEqualTo(2);
			assertThat(sender.sentCount()).isOne();
			assertThat(sender.failedCount()).isZero();
		}
	}

	/**
	 * Sitecore took the event and the answer was lost after its status: sending it again
	 * would duplicate it at Sitecore, and the sender cannot know it was taken whole.
	 */
	@Test
	void whenSitecoreAnswers201AndTheBodyIsCutThenTheEventCountsFailedAndIsNotSentAgain() throws IOException {
		String cut = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"st";
		try (RawHttpServer server = RawHttpServer
			.start((head) -> isEventCreate(head) ? RawHttpServer.Answer.thenClose(cut) : acknowledging(head))) {
			CdpEventSender sender = sentOneEventTo(server);
			assertThat(server.requests(EVENT_CREATE)).isOne();
			assertThat(sender.failedCount()).isOne();
			assertThat(sender.sentCount()).isZero();
		}
	}

	private static boolean isEventCreate(String head) {
		return head.startsWith("GET " + EVENT_CREATE);
	}

	/** Sitecore's answer when all is well: a browser ref to browser/create, 201 to an event. */
	private static RawHttpServer.Answer acknowledging(String head) {
		return isEventCreate(head) ? json("201 Created", "{\"status\":\"OK\"}") : json("200 OK", "{\"ref\":\"b-1\"}");
	}

	private static RawHttpServer.Answer json(String status, String body) {
		return RawHttpServer.Answer.thenClose("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + body.length() + "\r\n\r\n" + body);
	}

	/** A sender over Reactor Netty that sent one event to {@code server} and flushed it. */
	private CdpEventSender sentOneEventTo(RawHttpServer server) {
		CdpEventSender sender = sender(CdpEventSender::overReactorNetty, HttpClient.create(),
				URI.create(server.baseUrl()), Duration.ofSeconds(5),
				new CdpEventSender.Settings(100, 1_000_000, 1, Duration.ofSeconds(10), Duration.ofMinutes(1)));
		sender.send("v", numbered(1));
		assertThat(sender.flush(Duration.ofSeconds(10)).completed()).isTrue();
		return sender;
	}

	@Test
	void whenSitecoreRefusesAnEventThenItIsCountedAsFailedAndNotRetried() {
		this.api.script.add("400");
		CdpEventSender sender = sender();
		sender.send("v", numbered(1));
		assertThat(sender.flush(Duration.ofSeconds(10)).completed()).isTrue();
		assertThat(this.api.eventRequests.get()).isOne();
		assertThat(sender.failedCount()).isOne();
	}

	@Test
	void whenBrowserCreateAnswersNoBodyThenTheEventIsCountedAsFailedAndNotAsSent() {
		this.api.emptyBrowserCreate = true;
		CdpEventSender sender = sender();
		sender.send("v", numbered(1));
		assertThat(sender.flush(Duration.ofSeconds(10)).completed()).isTrue();
		assertThat(sender.failedCount()).isOne();
		assertThat(sender.sentCount()).isZero();
		assertThat(this.api.eventRequests.get()).isZero();
	}

	@Test
	void whenStoppedMidBurstThenEveryEventArrivesExactlyOnce() {
		this.api.delayMillis = 2;
		CdpEventSender sender = sender(10_000, 8, Duration.ofSeconds(30),
				new CaffeineBrowserRefStore(1000, Duration.ofMinutes(5)));
		IntStream.range(0, 600).forEach((i) -> sender.send("v" + (i % 40), numbered(i)));
		sender.stop();
		assertThat(sender.queueDepth()).isZero();
		Set<String> seqs = new HashSet<>();
		this.api.eventsByBrowser.keySet().forEach((ref) -> seqs.addAll(this.api.extValues(ref, "seq")));
		assertThat(this.api.events).hasSize(600);
		assertThat(seqs).hasSize(600);
		assertThat(sender.sentCount()).isEqualTo(600);
	}

	@Test
	void whenOneVisitorsEventsAreSentWhileOthersAreThenTheyArriveInOrder() {
		this.api.delayMillis = 3;
		CdpEventSender sender = sender();
		for (int i = 0; i < 60; i++) {
			sender.send("ordered", numbered(i).withExt("visitor", "ordered"));
			sender.send("other" + (i % 7), numbered(i));
		}
		assertThat(sender.flush(Duration.ofSeconds(15)).completed()).isTrue();
		List<String> expected = IntStream.range(0, 60).mapToObj(Integer::toString).toList();
		String ref = this.api.eventsByBrowser.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().get(0).contains("\"visitor\":\"ordered\""))
			.findFirst()
			.orElseThrow()
			.getKey();
		assertThat(this.api.extValues(ref, "seq")).containsExactlyElementsOf(expected);
		assertThat(this.api.events).hasSize(120);
	}

	@Test
	void whenManyThreadsSendForSecondsThenEachVisitorsEventsArriveInOrderAndNoneAcceptedIsLost() throws Exception {
		CdpEventSender sender = sender(2_000, 16, Duration.ofSeconds(30),
				new CaffeineBrowserRefStore(10_000, Duration.ofMinutes(5)));
		int threads = 8;
		int visitors = 5;
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
		Map<String, AtomicLong> accepted = new java.util.concurrent.ConcurrentHashMap<>();
		AtomicLong attempts = new AtomicLong();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		for (int t = 0; t < threads; t++) {
			int thread = t;
			pool.submit(() -> {
				int seq = 0;
				while (System.nanoTime() < end) {
					// Each thread owns its visitors, so each visitor's order is the thread's.
					for (int v = 0; v < visitors; v++) {
						String visitor = "t" + thread + "-v" + v;
						attempts.incrementAndGet();
						if (sender.send(visitor, CdpEvent.view("/p").withExt("visitor", visitor).withExt("seq", seq))) {
							accepted.computeIfAbsent(visitor, (k) -> new AtomicLong()).incrementAndGet();
						}
					}
					seq++;
				}
			});
		}
		pool.shutdown();
		assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
		assertThat(sender.flush(Duration.ofSeconds(60)).remaining()).isZero();
		long acceptedTotal = accepted.values().stream().mapToLong(AtomicLong::get).sum();
		assertThat(acceptedTotal + sender.droppedCount()).isEqualTo(attempts.get());
		assertThat(this.api.events).hasSize((int) acceptedTotal);
		assertThat(sender.sentCount()).isEqualTo(acceptedTotal);
		// A visitor all of whose events found the queue full has no browser ref at all.
		assertThat(this.api.eventsByBrowser).hasSize(accepted.size());
		for (String ref : this.api.eventsByBrowser.keySet()) {
			String visitor = this.api.extValues(ref, "visitor").get(0);
			assertThat(this.api.extValues(ref, "visitor")).containsOnly(visitor);
			List<Integer> seqs = this.api.extValues(ref, "seq").stream().map(Integer::parseInt).toList();
			assertThat(seqs).isSorted().doesNotHaveDuplicates().hasSize((int) accepted.get(visitor).get());
		}
	}

	@Test
	void whenEventsAreSentWhileTheSenderStopsThenEachIsDeliveredOrCountedAsDropped() throws Exception {
		try (FakeSitecoreCdp cdp = FakeSitecoreCdp.start()) {
			FakeStreamApi streams = cdp.api().streams();
			CdpEventSender sender = sender(
					new RealtimeSettings(cdp.baseUrl(), FakeBatches.CLIENT_KEY, FakeStreamApi.POINT_OF_SALE,
							Channel.WEB, "EN", "EUR"),
					// A queue small enough to drain within the shutdown timeout on a busy machine:
					// a call cut by the timeout may reach the fake and still count as dropped.
					500, 8, Duration.ofSeconds(30), new CaffeineBrowserRefStore(1000, Duration.ofMinutes(5)));
			int threads = 8;
			AtomicLong attempts = new AtomicLong();
			AtomicLong seq = new AtomicLong();
			AtomicBoolean stopped = new AtomicBoolean();
			CountDownLatch sending = new CountDownLatch(threads);
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			for (int t = 0; t < threads; t++) {
				int thread = t;
				pool.submit(() -> {
					// Sends go on for a while after stop returned: those racing the end count too.
					int after = 0;
					while (after < 200) {
						if (stopped.get()) {
							after++;
						}
						attempts.incrementAndGet();
						sender.send("t" + thread + "-v" + (seq.get() % 5),
								CdpEvent.view("/p").withExt("seq", seq.incrementAndGet()));
						if (sending.getCount() > 0) {
							sending.countDown();
						}
						// Paced: eight spinning threads on two cores would starve the drain itself.
						LockSupport.parkNanos(100_000);
					}
				});
			}
			assertThat(sending.await(10, TimeUnit.SECONDS)).isTrue();
			Thread.sleep(100);
			sender.stop();
			stopped.set(true);
			pool.shutdown();
			assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
			List<String> arrived = streams.allEvents();
			assertThat(sender.failedCount()).isZero();
			assertThat(sender.queueDepth()).isZero();
			assertThat(arrived).hasSize((int) sender.sentCount());
			assertThat(arrived.stream().map((message) -> message.replaceAll(".*\"seq\":(\\d+).*", "$1")).distinct())
				.hasSize(arrived.size());
			assertThat(sender.sentCount() + sender.droppedCount()).isEqualTo(attempts.get());
			assertThat(sender.sentCount()).isPositive();
		}
	}

	@Test
	void whenTheShutdownTimeoutRunsOutThenEventsLeftAreCancelledAndCountedAsDropped() throws Exception {
		this.api.gate = new CountDownLatch(1);
		CdpEventSender sender = sender(CdpEventSender::overReactorNetty, HttpClient.create(), this.api.baseUrl(),
				Duration.ofSeconds(30),
				new CdpEventSender.Settings(100, 1_000_000, 4, Duration.ofMillis(300), Duration.ofMinutes(1)));
		IntStream.range(0, 20).forEach((i) -> assertThat(sender.send("v" + (i % 5), numbered(i))).isTrue());
		long start = System.nanoTime();
		sender.stop();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(sender.queueDepth()).isZero();
		assertThat(sender.inFlight()).isZero();
		assertThat(sender.droppedCount()).isEqualTo(20);
		// Answers released after the stop change nothing: the calls were cancelled and counted.
		this.api.gate.countDown();
		Thread.sleep(200);
		assertThat(sender.sentCount()).isZero();
		assertThat(sender.failedCount()).isZero();
		assertThat(sender.droppedCount()).isEqualTo(20);
	}

	@Test
	void whenTheSenderWasNeverStartedThenFlushReturnsAtOnce() {
		CdpEventSender sender = CdpEventSender.overReactorNetty(HttpClient.create(), realtime(this.api.baseUrl()),
				new CaffeineBrowserRefStore(1000, Duration.ofMinutes(5)), retry(Duration.ofSeconds(5)),
				new CdpEventSender.Settings(100, 1_000_000, 4, Duration.ofSeconds(10), Duration.ofMinutes(1)),
				System::nanoTime);
		long start = System.nanoTime();
		FlushResult result = sender.flush(Duration.ofSeconds(10));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		assertThat(result.remaining()).isZero();
		assertThat(this.api.eventRequests.get()).isZero();
	}

	@Test
	void whenTheSenderIsStoppedThenFlushReturnsAtOnce() {
		CdpEventSender sender = sender();
		assertThat(sender.send("v", numbered(1))).isTrue();
		sender.stop();
		assertThat(sender.isRunning()).isFalse();
		long start = System.nanoTime();
		FlushResult result = sender.flush(Duration.ofSeconds(10));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		assertThat(result.remaining()).isZero();
		assertThat(this.api.events).hasSize(1);
	}

}

package io.github.sitecorecdp.events;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.sitecorecdp.realtime.Channel;
import io.github.sitecorecdp.realtime.RealtimeSettings;
import io.github.sitecorecdp.retry.RetryListener;
import io.github.sitecorecdp.retry.RetryPolicy;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link BrowserRefStore} the application declares is called where it may block: never
 * on the HTTP client's event loops, where the sender starts its next calls.
 */
class CdpEventSenderStoreTests {

	private final StreamApiServer api;

	private final CaffeineBrowserRefStore kept = new CaffeineBrowserRefStore(1000, Duration.ofMinutes(5));

	private final Set<String> storeThreads = ConcurrentHashMap.newKeySet();

	private @Nullable CdpEventSender sender;

	CdpEventSenderStoreTests() throws Exception {
		this.api = new StreamApiServer();
	}

	@AfterEach
	void close() {
		if (this.sender != null) {
			this.sender.stop();
		}
		this.api.close();
	}

	private CdpEventSender start(BrowserRefStore store) {
		RetryPolicy retry = new RetryPolicy(
				new RetryPolicy.Settings(20, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(30)),
				RetryListener.NONE, Clock.systemUTC());
		// One call in flight: every call after the first starts where the one before ended.
		this.sender = new CdpEventSender(WebClient.create(),
				new RealtimeSettings(this.api.baseUrl(), "ck", "shop.example", Channel.WEB, "EN", "EUR"), store, retry,
				new CdpEventSender.Settings(1000, 10_000_000, 1, Duration.ofSeconds(10), Duration.ofMinutes(1)),
				System::nanoTime);
		this.sender.start();
		return this.sender;
	}

	private void sendTwentyEventsOfThreeVisitors(CdpEventSender sender) {
		for (int i = 0; i < 20; i++) {
			assertThat(sender.send("v" + (i % 3), CdpEvent.view("/p").withExt("seq", i))).isTrue();
		}
		assertThat(sender.flush(Duration.ofSeconds(30)).remaining()).isZero();
	}

	/** Reactor refuses {@code block()} on an event loop: a store that blocks would fail events there. */
	@Test
	void whenTheStoreBlocksOnAReactiveClientThenEveryEventIsSent() {
		CdpEventSender sender = start(new BrowserRefStore() {

			@Override
			public @Nullable String find(String visitorKey) {
				return Mono.fromCallable(() -> CdpEventSenderStoreTests.this.kept.find(visitorKey))
					.subscribeOn(Schedulers.single())
					.block(Duration.ofSeconds(5));
			}

			@Override
			public void save(String visitorKey, String browserRef) {
				Mono.fromRunnable(() -> CdpEventSenderStoreTests.this.kept.save(visitorKey, browserRef))
					.subscribeOn(Schedulers.single())
					.block(Duration.ofSeconds(5));
			}

		});
		sendTwentyEventsOfThreeVisitors(sender);
		assertThat(sender.failedCount()).isZero();
		assertThat(sender.sentCount()).isEqualTo(20);
		assertThat(this.api.events).hasSize(20);
		assertThat(this.api.browserRefs).hasValue(3);
	}

	@Test
	void whenAStoreIsDeclaredThenItIsNeverCalledOnAnHttpEventLoop() {
		CdpEventSender sender = start(new BrowserRefStore() {

			@Override
			public @Nullable String find(String visitorKey) {
				CdpEventSenderStoreTests.this.storeThreads.add(Thread.currentThread().getName());
				return CdpEventSenderStoreTests.this.kept.find(visitorKey);
			}

			@Override
			public void save(String visitorKey, String browserRef) {
				CdpEventSenderStoreTests.this.storeThreads.add(Thread.currentThread().getName());
				CdpEventSenderStoreTests.this.kept.save(visitorKey, browserRef);
			}

		});
		sendTwentyEventsOfThreeVisitors(sender);
		assertThat(this.storeThreads).isNotEmpty().allMatch((name) -> name.startsWith("boundedElastic-"));
	}

	/**
	 * A store whose client library is missing from the class path throws a LinkageError,
	 * which Reactor rethrows out of {@code subscribe} as fatal.
	 */
	@Test
	void whenTheStoreThrowsALinkageErrorThenEachEventIsCountedFailedAndTheSenderGoesOn() {
		CdpEventSender sender = start(new BrowserRefStore() {

			@Override
			public @Nullable String find(String visitorKey) {
				throw new NoClassDefFoundError("com/example/redis/Client");
			}

			@Override
			public void save(String visitorKey, String browserRef) {
				throw new NoClassDefFoundError("com/example/redis/Client");
			}

		});
		for (int i = 0; i < 5; i++) {
			assertThat(sender.send("v" + i, CdpEvent.view("/p"))).isTrue();
		}
		assertThat(sender.flush(Duration.ofSeconds(10)).remaining()).isZero();
		assertThat(sender.failedCount()).isEqualTo(5);
		assertThat(sender.queueDepth()).isZero();
		assertThat(sender.inFlight()).isZero();
		assertThat(this.api.events).isEmpty();
	}

}

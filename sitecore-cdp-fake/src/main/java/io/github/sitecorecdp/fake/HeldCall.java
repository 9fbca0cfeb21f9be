package io.github.sitecorecdp.fake;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A call of the Batch API or its storage host that the fake holds until the test releases
 * it, from {@link FakeBatches#holdNext} (held before the fake acts on it) or
 * {@link FakeBatches#holdNextAfterActing} (acted on, its answer held). It lets a test stop
 * or kill a client at an exact point of the protocol (a file in flight, a file stored but
 * not acknowledged, a status poll unanswered), which no delay makes sure of on a loaded
 * machine.
 *
 * <p>
 * A call whose client has gone when it is released gets no answer, and a call held before
 * acting is then not acted on: as at S3, an upload whose connection broke stores nothing.
 * Such a call is journaled with status {@value #CLIENT_GONE}. A test that kills a client
 * waits with {@link #awaitClientGone} before releasing: the fake hears of a closed
 * connection a moment after the client is gone.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class HeldCall {

	/** The status journaled for a held call whose client had gone (nginx's "client closed request"). */
	public static final int CLIENT_GONE = 499;

	private final CountDownLatch arrived = new CountDownLatch(1);

	private final CompletableFuture<Void> released = new CompletableFuture<>();

	private final CountDownLatch gone = new CountDownLatch(1);

	HeldCall() {
	}

	/**
	 * Wait until the call has arrived and is held.
	 * @param timeout the longest wait
	 * @return whether it arrived in time
	 * @throws InterruptedException if the wait is interrupted
	 */
	public boolean awaitArrival(Duration timeout) throws InterruptedException {
		return this.arrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Return whether the call has arrived.
	 * @return whether it is held, or was
	 */
	public boolean hasArrived() {
		return this.arrived.getCount() == 0;
	}

	/**
	 * Wait until the fake has seen the held call's connection close.
	 * @param timeout the longest wait
	 * @return whether it closed in time
	 * @throws InterruptedException if the wait is interrupted
	 */
	public boolean awaitClientGone(Duration timeout) throws InterruptedException {
		return this.gone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Let the call go on: acted on and answered, or only answered when it was held after
	 * acting; nothing more when its client has gone. Releasing twice does nothing more.
	 */
	public void release() {
		this.released.complete(null);
	}

	void clientGone() {
		this.gone.countDown();
	}

	void arrive() {
		this.arrived.countDown();
	}

	CompletableFuture<Void> released() {
		return this.released;
	}

}

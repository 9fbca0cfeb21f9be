package io.github.sitecorecdp.token;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Tells a {@link CdpTokenListener} off the callers' path: on one thread of its own, in the
 * order things happened, through a bounded queue. A listener that is slow, blocks or throws
 * holds no caller and no event loop; when it falls more than {@link #CAPACITY} events behind,
 * further events are dropped (and that is logged once) rather than making anyone wait.
 *
 * <p>
 * The thread exists only while there is something to tell, and ends after
 * {@link #IDLE_SECONDS} without work, so an application that stops leaves no thread
 * behind. A plain {@link ThreadPoolExecutor} does all of this; written here is only the
 * policy.
 *
 * @author sitecore-cdp-spring-boot
 */
final class ListenerDispatcher {

	private static final Log logger = LogFactory.getLog(ListenerDispatcher.class);

	/** Events a listener may fall behind by before further ones are dropped. */
	static final int CAPACITY = 1024;

	static final long IDLE_SECONDS = 1;

	private final ThreadPoolExecutor executor;

	private final AtomicBoolean failureLogged = new AtomicBoolean();

	private final AtomicBoolean dropLogged = new AtomicBoolean();

	private final AtomicLong dropped = new AtomicLong();

	ListenerDispatcher(String label) {
		this.executor = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(CAPACITY), (runnable) -> {
					// Never the key or the secret: the label is the registration's name.
					Thread thread = new Thread(runnable, "sitecore-cdp-token-listener (" + label + ")");
					thread.setDaemon(true);
					return thread;
				}, (runnable, executor) -> drop());
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Tell the listener later, on the dispatcher's thread; return at once.
	 * @param call what to tell
	 */
	void tell(Runnable call) {
		try {
			this.executor.execute(() -> run(call));
		}
		catch (RuntimeException ex) {
			// Shut down: nobody listens any more.
			drop();
		}
	}

	/**
	 * Return how many events were dropped because the listener fell too far behind.
	 * @return the count
	 */
	long dropped() {
		return this.dropped.get();
	}

	/**
	 * Tell what is queued, then let the thread end.
	 */
	void close() {
		this.executor.shutdown();
	}

	private void drop() {
		this.dropped.incrementAndGet();
		if (this.dropLogged.compareAndSet(false, true)) {
			logger.warn("A CdpTokenListener is " + CAPACITY + " events behind; further events are dropped while it "
					+ "catches up (logged once)");
		}
	}

	private void run(Runnable call) {
		try {
			call.run();
		}
		catch (Throwable ex) {
			// A listener is told, never asked: its failure changes no outcome, and is
			// reported once so that a broken listener cannot flood the log.
			if (this.failureLogged.compareAndSet(false, true)) {
				logger.warn("A CdpTokenListener failed (" + ex + "); its failures are ignored and not logged again");
			}
		}
	}

}

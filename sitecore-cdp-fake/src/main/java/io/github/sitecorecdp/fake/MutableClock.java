package io.github.sitecorecdp.fake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * A clock that tests move by hand, so that a day of token lifetime passes in no time.
 * Give it to {@link FakeSitecoreCdp#start(Clock)} (token and file-URL expiry) and to the
 * code under test.
 * <p>
 * It is also a {@link LongSupplier} of nanoseconds that moves with it: the starter reads a
 * clock that is one as simulating time as a whole, so that backoffs (otherwise measured on
 * {@code System.nanoTime()}) and a shared token store's clock (otherwise Redis's) follow it.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class MutableClock extends Clock implements LongSupplier {

	private final AtomicReference<Instant> now;

	/**
	 * Create a clock that starts at the given instant.
	 * @param start the first instant
	 */
	public MutableClock(Instant start) {
		this.now = new AtomicReference<>(start);
	}

	/**
	 * Create a clock that starts now.
	 * @return the clock
	 */
	public static MutableClock startingNow() {
		return new MutableClock(Instant.now());
	}

	/**
	 * Move the clock forward.
	 * @param duration how far
	 */
	public void advance(Duration duration) {
		this.now.updateAndGet((instant) -> instant.plus(duration));
	}

	@Override
	public Instant instant() {
		return this.now.get();
	}

	/**
	 * Return the simulated time in nanoseconds, for waits measured on this clock.
	 * @return nanoseconds since the epoch
	 */
	@Override
	public long getAsLong() {
		Instant instant = this.now.get();
		return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("MutableClock is always UTC");
	}

}

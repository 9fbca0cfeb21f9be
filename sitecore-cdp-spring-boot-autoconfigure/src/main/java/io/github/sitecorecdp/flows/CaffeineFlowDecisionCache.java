package io.github.sitecorecdp.flows;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

/**
 * Decisions of the named flows in a Caffeine cache bounded by count, each kept for a
 * fixed time after it arrived (not after its last use: a decision read all day would
 * otherwise never change).
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CaffeineFlowDecisionCache implements FlowDecisionCache {

	private final Set<String> flows;

	private final Cache<Key, Object> cache;

	/**
	 * Create a cache.
	 * @param flows the friendly ids of the flows whose decisions may be kept
	 * @param timeToLive how long a decision is kept after it arrived
	 * @param maximumSize the most decisions kept
	 * @param nanoTime the monotonic clock entries expire by, such as
	 * {@code System::nanoTime}
	 */
	public CaffeineFlowDecisionCache(Collection<String> flows, Duration timeToLive, long maximumSize,
			LongSupplier nanoTime) {
		this.flows = Set.copyOf(flows);
		this.cache = Caffeine.newBuilder()
			.maximumSize(maximumSize)
			.expireAfterWrite(timeToLive)
			.ticker(nanoTime::getAsLong)
			.build();
	}

	@Override
	public boolean caches(String friendlyId) {
		return this.flows.contains(friendlyId);
	}

	@Override
	public @Nullable Object find(Key key) {
		return this.cache.getIfPresent(key);
	}

	@Override
	public void save(Key key, Object decision) {
		this.cache.put(key, decision);
	}

	/**
	 * Return an estimate of how many decisions are kept.
	 * @return the estimated size
	 */
	public long estimatedSize() {
		return this.cache.estimatedSize();
	}

}

package io.github.sitecorecdp.events;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

/**
 * Browser refs in a Caffeine cache bounded by count and expiring after a time without
 * use: Sitecore closes a session after about 20 minutes of inactivity, and a visitor not
 * seen for longer may as well get a new browser ref than hold memory.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CaffeineBrowserRefStore implements BrowserRefStore {

	private final Cache<String, String> cache;

	/**
	 * Create a store.
	 * @param maximumSize the most visitors kept
	 * @param expireAfterAccess how long a visitor's ref is kept without use
	 */
	public CaffeineBrowserRefStore(long maximumSize, Duration expireAfterAccess) {
		this.cache = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterAccess(expireAfterAccess).build();
	}

	@Override
	public @Nullable String find(String visitorKey) {
		return this.cache.getIfPresent(visitorKey);
	}

	@Override
	public void save(String visitorKey, String browserRef) {
		this.cache.put(visitorKey, browserRef);
	}

	@Override
	public void forget(String visitorKey) {
		this.cache.invalidate(visitorKey);
	}

	/**
	 * Return an estimate of how many visitors are kept.
	 * @return the estimated size
	 */
	public long estimatedSize() {
		return this.cache.estimatedSize();
	}

}

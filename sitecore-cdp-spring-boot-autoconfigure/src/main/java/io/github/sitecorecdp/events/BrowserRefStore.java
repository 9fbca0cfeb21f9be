package io.github.sitecorecdp.events;

import org.jspecify.annotations.Nullable;

/**
 * Where a visitor's browser ref (the Stream API's {@code browser_id}) is kept between
 * events. The default keeps them in a bounded, expiring Caffeine cache in each instance;
 * declare a bean of this type to keep them elsewhere (a shared store, a session keyed by
 * the visitor key). A store you declare is called on Reactor's bounded elastic threads,
 * never on the caller's nor on the HTTP client's event loops, so it may block (briefly:
 * each event waits for it); it must be thread-safe.
 *
 * @author sitecore-cdp-spring-boot
 */
public interface BrowserRefStore {

	/**
	 * Return the browser ref of a visitor.
	 * @param visitorKey the application's key of the visitor
	 * @return the browser ref, or {@code null} when none is known (one is then created
	 * with {@code browser/create} and {@link #save saved})
	 */
	@Nullable String find(String visitorKey);

	/**
	 * Keep a visitor's browser ref.
	 * @param visitorKey the application's key of the visitor
	 * @param browserRef the browser ref Sitecore created
	 */
	void save(String visitorKey, String browserRef);

	/**
	 * Forget a visitor's browser ref, such as one Sitecore no longer knows.
	 * @param visitorKey the application's key of the visitor
	 */
	default void forget(String visitorKey) {
	}

}

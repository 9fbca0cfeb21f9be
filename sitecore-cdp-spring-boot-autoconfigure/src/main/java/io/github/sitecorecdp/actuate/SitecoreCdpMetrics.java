package io.github.sitecorecdp.actuate;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenListener;
import io.github.sitecorecdp.token.CdpTokenOrigin;
import io.github.sitecorecdp.token.CdpTokenStoreState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer metrics of the Sitecore CDP token: token requests by outcome and their
 * latency, background refreshes, 401 replays, and the time until the current token
 * expires, of one registration: every meter has the tag {@code registration}
 * ({@code default} or the name under {@code sitecore.cdp.clients}). Tags carry no
 * secrets.
 *
 * <ul>
 * <li>{@code sitecore.cdp.token.requests} (timer), tags {@code outcome}: {@code success},
 * {@code retryable_failure}, {@code rejected_credentials}, {@code failure}; and
 * {@code source}: {@code endpoint} when this instance asked Sitecore's token endpoint,
 * {@code shared_store} when a shared token store answered for the fleet (a token or the
 * fleet's backoff another instance got). The requests Sitecore saw are those with
 * {@code source=endpoint}; the {@code shared_store} timers appear with the first such
 * answer.</li>
 * <li>{@code sitecore.cdp.token.refreshes} (counter): background refreshes started</li>
 * <li>{@code sitecore.cdp.api.replays} (counter): API calls answered 401 and replayed</li>
 * <li>{@code sitecore.cdp.token.expiry} (gauge, seconds): until the current token
 * expires, 0 without one</li>
 * <li>{@code sitecore.cdp.token.store.shared} (gauge): with a shared token store, 1 while
 * it is used and 0 while the instance gets its own tokens; NaN with the in-memory
 * store</li>
 * </ul>
 *
 * @author sitecore-cdp-spring-boot
 */
public final class SitecoreCdpMetrics implements CdpTokenListener, MeterBinder {

	private final String registration;

	private final Supplier<CdpAccessTokenManager> tokenManager;

	private volatile @Nullable Meters meters;

	/**
	 * Create a new instance.
	 * @param tokenManager the token manager whose current token the gauge reads; asked
	 * for lazily, since the manager reports to this listener
	 */
	public SitecoreCdpMetrics(Supplier<CdpAccessTokenManager> tokenManager) {
		this("default", tokenManager);
	}

	/**
	 * Create the metrics of one registration.
	 * @param registration the value of the {@code registration} tag
	 * @param tokenManager the registration's token manager, asked for lazily
	 */
	public SitecoreCdpMetrics(String registration, Supplier<CdpAccessTokenManager> tokenManager) {
		this.registration = registration;
		this.tokenManager = tokenManager;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Map<TokenRequestOutcome, Timer> requests = new EnumMap<>(TokenRequestOutcome.class);
		for (TokenRequestOutcome outcome : TokenRequestOutcome.values()) {
			requests.put(outcome, requestTimer(registry, outcome, CdpTokenOrigin.ENDPOINT));
		}
		Counter refreshes = Counter.builder("sitecore.cdp.token.refreshes")
			.description("Background token refreshes started ahead of expiry")
			.tag("registration", this.registration)
			.register(registry);
		Counter replays = Counter.builder("sitecore.cdp.api.replays")
			.description("Sitecore CDP API calls answered 401 and replayed with a new token")
			.tag("registration", this.registration)
			.register(registry);
		Gauge.builder("sitecore.cdp.token.expiry", this, SitecoreCdpMetrics::secondsUntilExpiry)
			.description("Time until the current access token expires, 0 without one")
			.tag("registration", this.registration)
			.baseUnit("seconds")
			.register(registry);
		Gauge.builder("sitecore.cdp.token.store.shared", this, SitecoreCdpMetrics::sharedStoreInUse)
			.description("1 while the token is shared through the store (sitecore.cdp.token.store), 0 while this "
					+ "instance gets its own because the store is unavailable; NaN with the in-memory store, which shares nothing")
			.tag("registration", this.registration)
			.register(registry);
		this.meters = new Meters(registry, requests, new ConcurrentHashMap<>(), refreshes, replays);
	}

	private Timer requestTimer(MeterRegistry registry, TokenRequestOutcome outcome, CdpTokenOrigin origin) {
		return Timer.builder("sitecore.cdp.token.requests")
			.description("Token requests of this instance, by where the answer came from: source=endpoint "
					+ "when Sitecore's token endpoint was asked, source=shared_store when the shared token store "
					+ "answered for the fleet")
			.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
			.tag("source", origin.tagValue())
			.tag("registration", this.registration)
			.register(registry);
	}

	private double sharedStoreInUse() {
		CdpTokenStoreState store = this.tokenManager.get().status().store();
		// NaN: registries leave the gauge out rather than report a store that is not there.
		return store.equals(CdpTokenStoreState.IN_MEMORY) ? Double.NaN : store.shared() ? 1 : 0;
	}

	@Override
	public void tokenRequested(TokenRequestOutcome outcome, Duration duration) {
		tokenRequested(outcome, CdpTokenOrigin.ENDPOINT, duration);
	}

	@Override
	public void tokenRequested(TokenRequestOutcome outcome, CdpTokenOrigin origin, Duration duration) {
		Meters current = this.meters;
		if (current == null) {
			return;
		}
		Timer timer = (origin == CdpTokenOrigin.ENDPOINT) ? current.endpointRequests().get(outcome)
				: current.storeAnswers()
					.computeIfAbsent(outcome, (key) -> requestTimer(current.registry(), key, origin));
		if (timer != null) {
			timer.record(duration);
		}
	}

	@Override
	public void backgroundRefreshStarted() {
		Meters current = this.meters;
		if (current != null) {
			current.refreshes().increment();
		}
	}

	@Override
	public void tokenRejectedByApi() {
		Meters current = this.meters;
		if (current != null) {
			current.replays().increment();
		}
	}

	private double secondsUntilExpiry() {
		// On the manager's clock (sitecoreCdpClock), as every other token decision.
		return this.tokenManager.get().timeUntilExpiry().toMillis() / 1000.0;
	}

	/**
	 * The meters of one registry. The timers of answers from a shared store are made on
	 * first use, so that an application without one shows none.
	 */
	private record Meters(MeterRegistry registry, Map<TokenRequestOutcome, Timer> endpointRequests,
			Map<TokenRequestOutcome, Timer> storeAnswers, Counter refreshes, Counter replays) {
	}

}

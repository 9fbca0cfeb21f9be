package io.github.sitecorecdp.token.redis;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.testsupport.RealRedis;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.CdpTokenListener;
import io.github.sitecorecdp.token.CdpTokenSource;
import io.github.sitecorecdp.token.CdpTokenStore;
import io.github.sitecorecdp.token.TokenPolicy;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Instances of an application, as token managers that each have their own Redis
 * connection and store, sharing one Redis and one token endpoint.
 */
final class RedisInstances implements AutoCloseable {

	static final TokenPolicy POLICY = new TokenPolicy(Duration.ofMinutes(5), Duration.ofSeconds(60),
			Duration.ofSeconds(1), Duration.ofSeconds(30));

	/** Every instance's token timeout (connect and response) unless a test says otherwise. */
	static final Duration TOKEN_TIMEOUT = Duration.ofSeconds(5);

	private final RealRedis redis;

	private final FakeTokenEndpoint tokens;

	private final MutableClock clock;

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final Map<CdpAccessTokenManager, AutoCloseable> stops = new IdentityHashMap<>();

	private AutoCloseable lastStop = () -> {
	};

	RedisInstances(RealRedis redis, FakeTokenEndpoint tokens, MutableClock clock) {
		this.redis = redis;
		this.tokens = tokens;
		this.clock = clock;
	}

	CdpAccessTokenManager start() {
		return start(this.tokens.apiSecret());
	}

	CdpAccessTokenManager start(String apiSecret) {
		return start(apiSecret, this.clock, this.tokens.uri());
	}

	/**
	 * Start an instance whose clock may be off, or whose token requests go to another
	 * address than the registration's (as when the instance's DNS resolves it wrongly).
	 */
	CdpAccessTokenManager start(String apiSecret, Clock clock, URI reachedAt) {
		return start(apiSecret, clock, reachedAt, CdpTokenListener.NONE);
	}

	/** Start an instance that reports to a listener, such as its metrics. */
	CdpAccessTokenManager start(CdpTokenListener listener) {
		return start(this.tokens.apiSecret(), this.clock, this.tokens.uri(), listener);
	}

	CdpAccessTokenManager start(String apiSecret, Clock clock, URI reachedAt, CdpTokenListener listener) {
		return start(startSource(apiSecret, clock, reachedAt, TOKEN_TIMEOUT), clock, listener);
	}

	/** Start an instance whose token requests may take longer than the others'. */
	CdpAccessTokenManager start(Duration tokenTimeout) {
		return start(startSource(this.tokens.apiSecret(), this.clock, this.tokens.uri(), tokenTimeout), this.clock,
				CdpTokenListener.NONE);
	}

	private CdpAccessTokenManager start(CdpTokenSource source, Clock clock, CdpTokenListener listener) {
		CdpAccessTokenManager manager = new CdpAccessTokenManager("Sitecore CDP", source, POLICY, clock, listener);
		this.stops.put(manager, this.lastStop);
		return manager;
	}

	/** Start an instance's store and its source alone, without a manager in front. */
	CdpTokenSource startSource(String apiSecret, Clock clock, URI reachedAt) {
		return startSource(apiSecret, clock, reachedAt, TOKEN_TIMEOUT);
	}

	private CdpTokenSource startSource(String apiSecret, Clock clock, URI reachedAt, Duration tokenTimeout) {
		LettuceConnectionFactory connection = this.redis.connectionFactory();
		RedisTokenStore store = new RedisTokenStore(connection, "test", Duration.ofSeconds(1), clock);
		store.warmUp();
		// Started and stopped as an application context does it with a lifecycle bean.
		store.start();
		this.resources.add(connection::destroy);
		this.resources.add(store::destroy);
		this.resources.add(store::stop);
		CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient(this.tokens.apiKey(), apiSecret, reachedAt,
				FakeTokenEndpoint.AUDIENCE, WebClient.create(), tokenTimeout, clock);
		CdpTokenStore.Registration registration = new CdpTokenStore.Registration("Sitecore CDP", this.tokens.apiKey(),
				apiSecret, FakeTokenEndpoint.AUDIENCE, this.tokens.uri());
		// In the order a context closes: the store's lifecycle stop, then the beans'
		// destruction, the store before the connection it uses.
		this.lastStop = () -> {
			store.stop();
			store.destroy();
			connection.destroy();
		};
		return store.sourceFor(registration, endpoint, POLICY);
	}

	/** Stop an instance as its application context would on a graceful shutdown. */
	void stop(CdpAccessTokenManager manager) throws Exception {
		this.stops.get(manager).close();
	}

	@Override
	public void close() {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			try {
				this.resources.get(i).close();
			}
			catch (Exception ex) {
				// Closing the rest matters more.
			}
		}
	}

}

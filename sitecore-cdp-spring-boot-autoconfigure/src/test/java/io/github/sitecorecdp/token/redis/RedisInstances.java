package io.github.sitecorecdp.token.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.testsupport.RealRedis;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.CdpTokenListener;
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

	private final RealRedis redis;

	private final FakeTokenEndpoint tokens;

	private final MutableClock clock;

	private final List<AutoCloseable> resources = new ArrayList<>();

	RedisInstances(RealRedis redis, FakeTokenEndpoint tokens, MutableClock clock) {
		this.redis = redis;
		this.tokens = tokens;
		this.clock = clock;
	}

	CdpAccessTokenManager start() {
		return start(this.tokens.apiSecret());
	}

	CdpAccessTokenManager start(String apiSecret) {
		LettuceConnectionFactory connection = this.redis.connectionFactory();
		RedisTokenStore store = new RedisTokenStore(connection, "test", Duration.ofSeconds(1), this.clock);
		store.warmUp();
		this.resources.add(connection::destroy);
		this.resources.add(store::destroy);
		CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient(this.tokens.apiKey(), apiSecret, this.tokens.uri(),
				FakeTokenEndpoint.AUDIENCE, WebClient.create(), Duration.ofSeconds(5), this.clock);
		CdpTokenStore.Registration registration = new CdpTokenStore.Registration("Sitecore CDP", this.tokens.apiKey(),
				apiSecret, FakeTokenEndpoint.AUDIENCE, this.tokens.uri());
		return new CdpAccessTokenManager("Sitecore CDP", store.sourceFor(registration, endpoint, POLICY), POLICY,
				this.clock, CdpTokenListener.NONE);
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

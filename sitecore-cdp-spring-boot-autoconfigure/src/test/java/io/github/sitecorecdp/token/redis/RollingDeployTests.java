package io.github.sitecorecdp.token.redis;

import java.time.Duration;

import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.testsupport.RealRedis;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenException;
import io.github.sitecorecdp.token.CdpTokenStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A rolling deploy: instances of the previous release ({@code token 1} and
 * {@code backoff 2} entries, instants on the writer's clock) and of this one share one
 * Redis. A new instance takes what an old one stored, and never replaces an entry an old
 * instance can still use.
 */
class RollingDeployTests {

	private static RealRedis redis;

	private final MutableClock clock = MutableClock.startingNow();

	private final FakeTokenEndpoint tokens = FakeTokenEndpoint.start(this.clock)
		.tokenLifetime(Duration.ofHours(1))
		.tokenValues((n) -> "new-" + n);

	private RedisInstances instances;

	private LettuceConnectionFactory connection;

	private StringRedisTemplate template;

	private TokenSeal seal;

	@BeforeAll
	static void startRedis() {
		redis = RealRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@BeforeEach
	void start() {
		redis.flush();
		this.instances = new RedisInstances(redis, this.tokens, this.clock);
		this.connection = redis.connectionFactory();
		this.template = new StringRedisTemplate(this.connection);
		// The key prefix RedisInstances gives its stores.
		this.seal = TokenSeal.of("test", new CdpTokenStore.Registration("Sitecore CDP", this.tokens.apiKey(),
				this.tokens.apiSecret(), FakeTokenEndpoint.AUDIENCE, this.tokens.uri()));
	}

	@AfterEach
	void stop() {
		this.instances.close();
		this.connection.destroy();
		this.tokens.close();
	}

	@Test
	void whenAnOldInstanceStoredTheTokenThenANewInstanceTakesItAndLeavesItsEntryAsItIs() {
		String old = oldToken("old-token", Duration.ofHours(1));
		CdpAccessTokenManager fresh = this.instances.start();
		assertThat(fresh.obtainToken().getTokenValue()).isEqualTo("old-token");
		assertThat(this.tokens.requestCount()).isZero();
		// Still the old release's entry, readable by old instances.
		assertThat(this.template.opsForValue().get(this.seal.name())).isEqualTo(old);
	}

	@Test
	void whenANewInstanceReplacesAStaleOldTokenThenItWritesItsOwnFormatAndOldEntriesAreTakenAgain() {
		oldToken("old-token", Duration.ofSeconds(30));
		this.clock.advance(Duration.ofSeconds(28));
		CdpAccessTokenManager fresh = this.instances.start();
		// Stale (within the expiry margin): replaced, in this release's format.
		OAuth2AccessToken first = fresh.obtainToken();
		assertThat(first.getTokenValue()).isEqualTo("new-1");
		assertThat(this.seal.open(this.template.opsForValue().get(this.seal.name()))).startsWith("token 2\n");
		// An old instance, which cannot read that entry, stores its own token: the new
		// instances take it after a refusal instead of asking the endpoint again.
		oldToken("old-token-2", Duration.ofHours(2));
		assertThat(fresh.reject(first)).isTrue();
		assertThat(fresh.obtainToken().getTokenValue()).isEqualTo("old-token-2");
		assertThat(this.tokens.requestCount()).isEqualTo(1);
	}

	@Test
	void whenAnOldInstanceStoredABackoffThenNewInstancesBackOffToo() {
		String entry = "backoff 2\n1\n" + this.clock.instant().plusSeconds(30).toEpochMilli()
				+ "\ntrue\nfalse\nThe Sitecore CDP token endpoint answered 503";
		this.template.opsForValue().set(this.seal.name() + ":backoff", this.seal.seal(entry), Duration.ofMinutes(5));
		CdpAccessTokenManager fresh = this.instances.start();
		assertThatExceptionOfType(CdpTokenException.class).isThrownBy(fresh::obtainToken)
			.withMessageContaining("answered 503")
			.withMessageContaining("as another instance found");
		assertThat(this.tokens.requestCount()).isZero();
	}

	/** Store a token as the previous release does. */
	private String oldToken(String value, Duration lifetime) {
		long issued = this.clock.millis();
		String sealed = this.seal.seal("token 1\n" + issued + "\n" + (issued + lifetime.toMillis()) + "\n\n" + value);
		this.template.opsForValue().set(this.seal.name(), sealed, lifetime);
		return sealed;
	}

}

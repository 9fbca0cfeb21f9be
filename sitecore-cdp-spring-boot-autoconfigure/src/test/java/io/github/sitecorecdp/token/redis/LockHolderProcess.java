package io.github.sitecorecdp.token.redis;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.CdpTokenListener;
import io.github.sitecorecdp.token.CdpTokenStore;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * An instance of the application in a JVM of its own, so that a test can kill it with
 * SIGKILL while it holds the fleet's token lock: it asks for a token through the Redis
 * store and stays in that request until it is killed or the endpoint answers.
 *
 * <p>
 * Arguments: the Redis port, the token endpoint's URI, the API key and secret.
 */
public final class LockHolderProcess {

	private LockHolderProcess() {
	}

	public static void main(String[] args) {
		LettuceConnectionFactory connection = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", Integer.parseInt(args[0])),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
		connection.afterPropertiesSet();
		connection.start();
		// Connected and loaded before the test counts on this instance holding the lock.
		connection.getConnection().ping();
		Clock clock = Clock.systemUTC();
		URI tokenUri = URI.create(args[1]);
		RedisTokenStore store = new RedisTokenStore(connection, "test", Duration.ofSeconds(1), clock);
		// A token request that outlasts the test: the holder is killed inside it.
		CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient(args[2], args[3], tokenUri,
				FakeTokenEndpoint.AUDIENCE, WebClient.create(), Duration.ofSeconds(60), clock);
		CdpTokenStore.Registration registration = new CdpTokenStore.Registration("Sitecore CDP", args[2], args[3],
				FakeTokenEndpoint.AUDIENCE, tokenUri);
		CdpAccessTokenManager manager = new CdpAccessTokenManager("Sitecore CDP",
				store.sourceFor(registration, endpoint, RedisInstances.POLICY), RedisInstances.POLICY, clock,
				CdpTokenListener.NONE);
		System.out.println("holder: asking for a token");
		System.out.println("holder: got " + manager.obtainToken().getExpiresAt());
	}

}

package io.github.sitecorecdp.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.CdpTokenListener;
import io.github.sitecorecdp.token.CdpTokenSource;
import io.github.sitecorecdp.token.CdpTokenStore;
import io.github.sitecorecdp.token.TokenPolicy;
import io.github.sitecorecdp.token.redis.RedisTokenStore;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Token requests when a fleet of N instances starts at once and every instance needs a
 * token in the same moment (the token endpoint answering in 100 ms): with the in-memory
 * store and with the Redis store. Each instance has its own token manager, its own Redis
 * connection and store, as pods would; they share the endpoint and one real Redis.
 */
public final class FleetStartTokenRequests {

	private FleetStartTokenRequests() {
	}

	/**
	 * Print one table row per fleet size.
	 * @param args fleet sizes, default 1 10 50
	 */
	public static void main(String[] args) {
		int[] sizes = (args.length > 0) ? java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
				: new int[] { 1, 10, 50 };
		System.out.println("| Instances | In-memory store: token requests | Redis store: token requests |");
		System.out.println("|---|---|---|");
		try (BenchRedis redis = new BenchRedis()) {
			for (int size : sizes) {
				System.out.println("| " + size + " | " + coldStart(size, null) + " | " + coldStart(size, redis) + " |");
			}
		}
	}

	private static int coldStart(int size, BenchRedis redis) {
		try (FakeTokenEndpoint tokens = FakeTokenEndpoint.start().delayTokenResponses(Duration.ofMillis(100))) {
			List<CdpAccessTokenManager> fleet = new ArrayList<>();
			List<Runnable> closing = new ArrayList<>();
			for (int i = 0; i < size; i++) {
				CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient(tokens.apiKey(), tokens.apiSecret(),
						tokens.uri(), FakeTokenEndpoint.AUDIENCE, WebClient.create(), Duration.ofSeconds(10),
						Clock.systemUTC());
				CdpTokenSource source = endpoint;
				if (redis != null) {
					LettuceConnectionFactory connection = redis.connectionFactory();
					RedisTokenStore store = new RedisTokenStore(connection, "fleet-" + size, Duration.ofSeconds(1),
							Clock.systemUTC());
					store.warmUp();
					closing.add(store::destroy);
					closing.add(connection::destroy);
					source = store.sourceFor(new CdpTokenStore.Registration("Sitecore CDP", tokens.apiKey(),
							tokens.apiSecret(), FakeTokenEndpoint.AUDIENCE, tokens.uri()), endpoint, TokenPolicy.DEFAULTS);
				}
				fleet.add(new CdpAccessTokenManager("Sitecore CDP", source, TokenPolicy.DEFAULTS, Clock.systemUTC(),
						CdpTokenListener.NONE));
			}
			sleep(Duration.ofSeconds(1));
			CountDownLatch go = new CountDownLatch(1);
			// A thread per instance, so that all of them ask in the same moment.
			ExecutorService instances = Executors.newFixedThreadPool(size);
			List<CompletableFuture<Void>> starts = fleet.stream().map((manager) -> CompletableFuture.runAsync(() -> {
				awaitQuietly(go);
				manager.obtainToken();
			}, instances)).toList();
			go.countDown();
			starts.forEach(CompletableFuture::join);
			instances.shutdown();
			int requests = tokens.requestCount();
			closing.forEach(Runnable::run);
			return requests;
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

package io.github.sitecorecdp.token.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.testsupport.RealRedis;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eight instances sharing a token through a real Redis, hammered for three seconds by
 * sixteen threads while simulated time runs two and a half hours: the fleet still makes
 * one token request per refresh, and no call gets a token that is no longer valid.
 */
class RedisTokenStressTests {

	@Test
	void whenManyThreadsOnManyInstancesAskWhileTimeRunsThenTheFleetRefreshesOncePerLifetime() throws Exception {
		MutableClock clock = MutableClock.startingNow();
		try (RealRedis redis = RealRedis.start();
				FakeTokenEndpoint tokens = FakeTokenEndpoint.start(clock).tokenLifetime(Duration.ofHours(1));
				RedisInstances instances = new RedisInstances(redis, tokens, clock)) {
			List<CdpAccessTokenManager> fleet = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				fleet.add(instances.start());
			}
			AtomicBoolean running = new AtomicBoolean(true);
			AtomicLong calls = new AtomicLong();
			Queue<String> problems = new ConcurrentLinkedQueue<>();
			ExecutorService threads = Executors.newFixedThreadPool(16);
			for (int t = 0; t < 16; t++) {
				threads.execute(() -> {
					while (running.get()) {
						CdpAccessTokenManager manager = fleet.get(ThreadLocalRandom.current().nextInt(fleet.size()));
						try {
							OAuth2AccessToken token = manager.getToken().block(Duration.ofSeconds(20));
							if (token == null || !tokens.isValid(token.getTokenValue())) {
								problems.add("invalid token at " + clock.instant());
							}
							calls.incrementAndGet();
							// A breath between calls, as an API call's I/O gives: sixteen
							// threads spinning on two cores would starve Redis's replies
							// past any timeout, which only measures the machine.
							LockSupport.parkNanos(100_000);
						}
						catch (RuntimeException ex) {
							problems.add(ex.toString());
						}
					}
				});
			}
			long minutes = 0;
			long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
			while (System.nanoTime() < end) {
				clock.advance(Duration.ofMinutes(1));
				minutes++;
				Thread.sleep(20);
			}
			running.set(false);
			threads.shutdown();
			assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
			assertThat(problems).isEmpty();
			assertThat(calls.get()).isGreaterThan(1000);
			// One request to start and one per 55 to 59 minutes after that, for all eight.
			assertThat(tokens.requestCount()).isBetween(1, (int) (minutes / 55) + 2);
		}
	}

}

package io.github.sitecorecdp.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.TokenPolicy;
import io.github.sitecorecdp.web.CdpBearerClientHttpConnector;
import io.github.sitecorecdp.web.CdpBearerProtocol;
import io.github.sitecorecdp.web.CdpHost;
import reactor.core.publisher.Flux;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Counts, not timings: token requests for 1000 concurrent cold calls, and a simulated
 * month of traffic with 24-hour tokens. Counted on the server.
 */
final class TokenEconomy {

	static final int COLD_CALLS = 1000;

	static final int ROUNDS = 3;

	private TokenEconomy() {
	}

	/**
	 * Token requests made by 1000 concurrent calls with no token yet, against a token
	 * endpoint that takes 100 ms.
	 */
	static List<Integer> coldConcurrency(boolean ours) {
		List<Integer> counts = new ArrayList<>();
		for (int round = 0; round < ROUNDS; round++) {
			try (BenchServer server = new BenchServer(Clock.systemUTC())) {
				server.tokenDelay(Duration.ofMillis(100));
				Clients.Ours started = ours ? Clients.ours(server) : null;
				try {
					WebClient client = ours ? started.client() : Clients.stock(server, Clock.systemUTC());
					List<String> answers = Flux.range(0, COLD_CALLS)
						.flatMap((i) -> client.get().uri("/api").retrieve().bodyToMono(String.class), COLD_CALLS)
						.collectList()
						.block(Duration.ofMinutes(2));
					if (answers == null || answers.size() != COLD_CALLS) {
						throw new IllegalStateException("Not every call succeeded");
					}
					counts.add(server.tokenRequests());
				}
				finally {
					if (started != null) {
						started.close();
					}
				}
			}
		}
		return counts;
	}

	/**
	 * Thirty days of continuous traffic (a call every 20 simulated seconds) with 24-hour
	 * tokens, through the starter's own token manager and connector on a simulated clock.
	 */
	static Month month() {
		MutableClock clock = MutableClock.startingNow();
		try (BenchServer server = new BenchServer(clock)) {
			CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient("bench-key", "bench-secret",
					server.tokenUri(), "https://api.sitecorecloud.io", WebClient.create(), Duration.ofSeconds(10), clock);
			CdpAccessTokenManager tokenManager = new CdpAccessTokenManager(endpoint, TokenPolicy.DEFAULTS, clock);
			CdpBearerProtocol protocol = new CdpBearerProtocol(tokenManager,
					CdpHost.of(java.net.URI.create(server.baseUrl())));
			WebClient client = WebClient.builder()
				.baseUrl(server.baseUrl())
				.clientConnector(new CdpBearerClientHttpConnector(Clients.connector(), protocol))
				.build();
			Duration step = Duration.ofSeconds(20);
			long calls = Duration.ofDays(30).dividedBy(step);
			long waited = 0;
			for (long i = 0; i < calls; i++) {
				int requestsBefore = server.tokenRequests();
				Instant expiryBefore = tokenManager.status().tokenExpiresAt();
				CompletableFuture<OAuth2AccessToken> token = tokenManager.getToken().toFuture();
				if (i > 0 && !token.isDone()) {
					waited++;
				}
				Clients.call(client);
				if (i > 0 && server.tokenRequests() > requestsBefore) {
					awaitNewToken(tokenManager, expiryBefore);
				}
				clock.advance(step);
			}
			return new Month(calls, server.tokenRequests(), server.expiredTokenCalls(), waited);
		}
	}

	/**
	 * Simulated time runs about 100,000 times faster than real time here (20 s a step, a
	 * fraction of a millisecond a call). A background refresh takes real milliseconds; in
	 * real time it would be done long before the next call 20 s later, so the simulation
	 * lets it finish before it moves the clock on.
	 */
	private static void awaitNewToken(CdpAccessTokenManager tokenManager, Instant expiryBefore) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			Instant expiry = tokenManager.status().tokenExpiresAt();
			if (expiry != null && !expiry.equals(expiryBefore)) {
				return;
			}
			Thread.onSpinWait();
		}
		throw new IllegalStateException("A background refresh did not finish within 10 s");
	}

	record Month(long calls, int tokenRequests, long expiredTokenCalls, long waitedAfterFirst) {
	}

}

package io.github.sitecorecdp.token.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.testsupport.RealRedis;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.CdpTokenListener;
import io.github.sitecorecdp.token.CdpTokenStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What docs/fleet-store.md promises of the store against a real Redis: the hot path, a
 * slow Redis, the key prefix, a refused password.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisStorePromiseTests {

	private static final String PASSWORD = "the-right-password";

	private static RealRedis redis;

	private final MutableClock clock = MutableClock.startingNow();

	private final FakeTokenEndpoint tokens = FakeTokenEndpoint.start(this.clock).tokenLifetime(Duration.ofHours(1));

	private final List<AutoCloseable> resources = new ArrayList<>();

	@BeforeAll
	static void startRedis() {
		redis = RealRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@BeforeEach
	void flush() {
		redis.flush();
	}

	@AfterEach
	void stop() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
		this.tokens.close();
	}

	@Test
	void whenATokenIsHeldThenCallsSendRedisNoCommand() {
		CdpAccessTokenManager manager = start(connection(null, Duration.ofSeconds(2)), "test");
		String token = manager.obtainToken().getTokenValue();
		LettuceConnectionFactory counter = connection(null, Duration.ofSeconds(2));
		try (RedisConnection counting = counter.getConnection()) {
			Map<String, Long> before = commandCounts(counting);
			long start = System.nanoTime();
			for (int i = 0; i < 1000; i++) {
				assertThat(manager.obtainToken().getTokenValue()).isEqualTo(token);
				assertThat(manager.getToken().block(Duration.ofSeconds(1)).getTokenValue()).isEqualTo(token);
			}
			Map<String, Long> after = commandCounts(counting);
			long probes = 1 + Duration.ofNanos(System.nanoTime() - start).toMillis()
					/ RedisTokenStore.PROBE_INTERVAL.toMillis();
			// The background probe may send its one XREVRANGE meanwhile (every 5 s); a call
			// reading Redis would send the entry's GET and TIME at least.
			Map<String, Long> sent = new TreeMap<>();
			after.forEach((command, calls) -> {
				long delta = calls - before.getOrDefault(command, 0L);
				if (delta > 0 && !command.equals("cmdstat_info")) {
					sent.put(command, delta);
				}
			});
			assertThat(sent.getOrDefault("cmdstat_xrevrange", 0L)).isLessThanOrEqualTo(probes);
			sent.remove("cmdstat_xrevrange");
			assertThat(sent).isEmpty();
		}
		assertThat(this.tokens.requestCount()).isEqualTo(1);
	}

	@Test
	void whenRedisIsSlowThenTheCallGetsItsOwnTokenWithinTheRedisTimeout(CapturedOutput output) {
		// A Lettuce command timeout far above the store's: only the store's bound can end a
		// command early.
		CdpAccessTokenManager manager = start(connection(null, Duration.ofSeconds(30)), "test");
		LettuceConnectionFactory admin = connection(null, Duration.ofSeconds(30));
		try (RedisConnection pausing = admin.getConnection()) {
			// Redis keeps its connections and accepts commands, but answers none for 5 s.
			pausing.execute("CLIENT", "PAUSE".getBytes(), "5000".getBytes());
			try {
				long start = System.nanoTime();
				assertThat(manager.obtainToken()).isNotNull();
				Duration took = Duration.ofNanos(System.nanoTime() - start);
				// One Redis command given up after the 1 s timeout, then the instance's own
				// token; unbounded, the call would wait for the pause to end.
				assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(3));
				assertThat(output.getOut())
					.contains("the Redis token store is unavailable (no answer within 1000 ms)");
			}
			finally {
				pausing.execute("CLIENT", "UNPAUSE".getBytes());
			}
		}
		assertThat(this.tokens.requestCount()).isEqualTo(1);
	}

	@Test
	void whenInstancesHaveDifferentKeyPrefixesThenEachRequestsItsOwnToken() {
		CdpAccessTokenManager blue = start(connection(null, Duration.ofSeconds(2)), "blue");
		CdpAccessTokenManager green = start(connection(null, Duration.ofSeconds(2)), "green");
		CdpAccessTokenManager otherBlue = start(connection(null, Duration.ofSeconds(2)), "blue");
		String blueToken = blue.obtainToken().getTokenValue();
		String greenToken = green.obtainToken().getTokenValue();
		assertThat(greenToken).isNotEqualTo(blueToken);
		assertThat(otherBlue.obtainToken().getTokenValue()).isEqualTo(blueToken);
		assertThat(this.tokens.requestCount()).isEqualTo(2);
		assertThat(redis.entries().keySet()).anyMatch((key) -> key.startsWith("blue:token:"))
			.anyMatch((key) -> key.startsWith("green:token:"));
	}

	@Test
	void whenThePasswordIsWrongThenTheWarnLineNamesWrongpass(CapturedOutput output) {
		LettuceConnectionFactory admin = connection(null, Duration.ofSeconds(2));
		try (RedisConnection configuring = admin.getConnection()) {
			configuring.serverCommands().setConfig("requirepass", PASSWORD);
			try {
				// A busy machine's Redis has been seen closing a new connection before it
				// answered at all ("Connection closed prematurely"): that says nothing of what
				// the WARN line names, so such an attempt is made again, with a new client, up
				// to three times. Whenever Redis answers, the line must name WRONGPASS.
				Pattern wrongPass = Pattern.compile("WARN .*the Redis token store is unavailable \\(.*WRONGPASS");
				for (int attempt = 1; attempt <= 3 && !wrongPass.matcher(output.getOut()).find(); attempt++) {
					CdpAccessTokenManager manager = start(connection("a-wrong-password", Duration.ofSeconds(2)),
							"test" + attempt);
					assertThat(manager.obtainToken()).isNotNull();
				}
				assertThat(output.getOut()).containsPattern(wrongPass);
			}
			finally {
				// This connection authenticated before the password was required, and stays so.
				configuring.serverCommands().setConfig("requirepass", "");
			}
		}
	}

	private CdpAccessTokenManager start(LettuceConnectionFactory connection, String keyPrefix) {
		RedisTokenStore store = new RedisTokenStore(connection, keyPrefix, Duration.ofSeconds(1), this.clock);
		store.warmUp();
		store.start();
		this.resources.add(() -> {
			store.stop();
			store.destroy();
		});
		CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient(this.tokens.apiKey(), this.tokens.apiSecret(),
				this.tokens.uri(), FakeTokenEndpoint.AUDIENCE, WebClient.create(), RedisInstances.TOKEN_TIMEOUT,
				this.clock);
		CdpTokenStore.Registration registration = new CdpTokenStore.Registration("Sitecore CDP", this.tokens.apiKey(),
				this.tokens.apiSecret(), FakeTokenEndpoint.AUDIENCE, this.tokens.uri());
		return new CdpAccessTokenManager("Sitecore CDP", store.sourceFor(registration, endpoint, RedisInstances.POLICY),
				RedisInstances.POLICY, this.clock, CdpTokenListener.NONE);
	}

	private LettuceConnectionFactory connection(String password, Duration commandTimeout) {
		RedisStandaloneConfiguration server = new RedisStandaloneConfiguration("127.0.0.1", redis.port());
		if (password != null) {
			server.setPassword(password);
		}
		LettuceConnectionFactory factory = new LettuceConnectionFactory(server,
				LettuceClientConfiguration.builder().commandTimeout(commandTimeout).build());
		factory.afterPropertiesSet();
		factory.start();
		this.resources.add(factory::destroy);
		return factory;
	}

	private static Map<String, Long> commandCounts(RedisConnection connection) {
		Properties stats = connection.serverCommands().info("commandstats");
		Map<String, Long> counts = new TreeMap<>();
		stats.stringPropertyNames().forEach((name) -> {
			String calls = stats.getProperty(name).replaceFirst("^calls=(\\d+),.*", "$1");
			counts.put(name, Long.parseLong(calls));
		});
		return counts;
	}

}

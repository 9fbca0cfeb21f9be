package io.github.sitecorecdp.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import redis.embedded.RedisServer;

import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A real Redis server (the linux-amd64 binary that embedded-redis ships) on a free
 * loopback port, started by the test itself: no Docker, nothing installed. It can be
 * stopped and started again on the same port, as an outage.
 */
public final class RealRedis implements AutoCloseable {

	private final int port;

	private RedisServer server;

	private RealRedis(int port) {
		this.port = port;
		this.server = newServer(port);
	}

	public static RealRedis start() {
		RealRedis redis = new RealRedis(freePort());
		redis.startServer();
		return redis;
	}

	public int port() {
		return this.port;
	}

	/** Properties of Boot's Redis auto-configuration that point at this server. */
	public String[] springProperties() {
		return new String[] { "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + this.port,
				"spring.data.redis.timeout=2s" };
	}

	/** A started connection factory of this server, as an application would have one. */
	public LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", this.port),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** Every key and its value, read with a connection of its own. */
	public Map<String, String> entries() {
		LettuceConnectionFactory factory = connectionFactory();
		try {
			StringRedisTemplate redis = new StringRedisTemplate(factory);
			Map<String, String> entries = new TreeMap<>();
			for (String key : redis.keys("*")) {
				DataType type = redis.type(key);
				entries.put(key, (type == DataType.STREAM)
						? String.valueOf(redis.opsForStream().range(key, org.springframework.data.domain.Range.unbounded()))
						: String.valueOf(redis.opsForValue().get(key)));
			}
			return entries;
		}
		finally {
			factory.destroy();
		}
	}

	public void set(String key, String value) {
		withTemplate((redis) -> redis.opsForValue().set(key, value));
	}

	/** Set a key that expires, as a lock whose holder died leaves it. */
	public void set(String key, String value, Duration timeToLive) {
		withTemplate((redis) -> redis.opsForValue().set(key, value, timeToLive));
	}

	public void listPush(String key, String value) {
		withTemplate((redis) -> redis.opsForList().leftPush(key, value));
	}

	/** The key's time to live in seconds, -1 without one, -2 when the key is absent. */
	public long ttl(String key) {
		long[] ttl = new long[1];
		withTemplate((redis) -> ttl[0] = redis.getExpire(key));
		return ttl[0];
	}

	private void withTemplate(java.util.function.Consumer<StringRedisTemplate> action) {
		LettuceConnectionFactory factory = connectionFactory();
		try {
			action.accept(new StringRedisTemplate(factory));
		}
		finally {
			factory.destroy();
		}
	}

	/** Delete every key. */
	public void flush() {
		LettuceConnectionFactory factory = connectionFactory();
		try {
			new StringRedisTemplate(factory).execute((org.springframework.data.redis.core.RedisCallback<Object>) (
					connection) -> {
				connection.serverCommands().flushAll();
				return null;
			});
		}
		finally {
			factory.destroy();
		}
	}

	public void stop() {
		try {
			this.server.stop();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Start again on the same port, empty. */
	public void restart() {
		this.server = newServer(this.port);
		startServer();
	}

	@Override
	public void close() {
		if (this.server.isActive()) {
			stop();
		}
	}

	private void startServer() {
		try {
			this.server.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static RedisServer newServer(int port) {
		try {
			// No snapshots: a restart is a Redis that lost its data, and nothing is written
			// to disk.
			return RedisServer.newRedisServer()
				.port(port)
				.setting("bind 127.0.0.1")
				.setting("save \"\"")
				.setting("appendonly no")
				.build();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

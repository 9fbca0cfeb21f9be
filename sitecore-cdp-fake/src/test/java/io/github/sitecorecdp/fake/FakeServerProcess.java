package io.github.sitecorecdp.fake;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The runnable fake in a JVM of its own, as a user starts it: the same {@code java}
 * executable as the tests', its output read line by line.
 */
final class FakeServerProcess implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private final Process process;

	private final List<String> output = new CopyOnWriteArrayList<>();

	private final CountDownLatch ready = new CountDownLatch(1);

	private final CountDownLatch outputEnded = new CountDownLatch(1);

	private FakeServerProcess(List<String> javaArguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(javaArguments);
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Thread reader = new Thread(this::readOutput, "fake-server-output");
		reader.setDaemon(true);
		reader.start();
	}

	/** The main class on the tests' class path (the module's classes and its dependencies). */
	static FakeServerProcess fromClassPath(String... options) {
		List<String> arguments = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"),
				FakeSitecoreCdpServer.class.getName()));
		arguments.addAll(List.of(options));
		return new FakeServerProcess(arguments);
	}

	/** The built executable jar, as docs/test-kit.md runs it. */
	static FakeServerProcess fromJar(Path jar, String... options) {
		List<String> arguments = new ArrayList<>(List.of("-jar", jar.toString()));
		arguments.addAll(List.of(options));
		return new FakeServerProcess(arguments);
	}

	/** Wait until the fake says it is ready. */
	FakeServerProcess awaitReady() throws InterruptedException {
		if (!this.ready.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException("The fake did not get ready; it printed:\n" + output());
		}
		return this;
	}

	/** Wait until the process ends by itself, and return its exit code. */
	int awaitExit() throws InterruptedException {
		if (!this.process.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException("The fake did not end; it printed:\n" + output());
		}
		this.outputEnded.await(5, TimeUnit.SECONDS);
		return this.process.exitValue();
	}

	/** The printed {@code sitecore.cdp.*} properties. */
	Map<String, String> properties() {
		Map<String, String> properties = new LinkedHashMap<>();
		for (String line : this.output) {
			if (line.startsWith("sitecore.cdp.")) {
				properties.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
			}
		}
		return properties;
	}

	URI tokenUri() {
		return URI.create(properties().get("sitecore.cdp.token-uri"));
	}

	URI baseUrl() {
		return URI.create(properties().get("sitecore.cdp.base-url"));
	}

	/** The control API's base URL, from the last line printed at start. */
	URI controlUrl() {
		for (String line : this.output) {
			if (line.startsWith("Control API at ")) {
				return URI.create(line.substring("Control API at ".length(), line.indexOf(' ', "Control API at ".length())));
			}
		}
		throw new IllegalStateException("No control API in:\n" + output());
	}

	String output() {
		return String.join("\n", this.output);
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/** Stop the fake as Ctrl+C does, and wait until it has ended. */
	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			this.process.destroyForcibly();
			throw new IllegalStateException("The fake did not stop on SIGTERM");
		}
		this.outputEnded.await(5, TimeUnit.SECONDS);
	}

	private void readOutput() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				this.output.add(line);
				if (line.startsWith("Control API at ")) {
					this.ready.countDown();
				}
			}
		}
		catch (IOException ex) {
			this.output.add("(output unreadable: " + ex + ")");
		}
		finally {
			this.outputEnded.countDown();
		}
	}

}

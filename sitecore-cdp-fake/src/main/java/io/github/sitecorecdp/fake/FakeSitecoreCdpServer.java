package io.github.sitecorecdp.fake;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * The fake Sitecore CDP as a program of its own, for manual runs and for tests that run
 * several JVMs against one fake (a fleet sharing a token, an instance killed mid-import):
 * <pre>
 * java -jar sitecore-cdp-fake-&lt;version&gt;-standalone.jar --port=8089
 * </pre>
 * It serves the token endpoint, the API and the file host on loopback ports (by default
 * 8089, 8090 and 8091), prints the {@code sitecore.cdp.*} properties that point an
 * application at them, and serves a {@link FakeControlApi control API} on a further port
 * (8092) until the JVM is stopped. {@code --help} lists the options.
 * <p>
 * It prints the fake's fixed, published credentials ({@link FakeSitecoreCdp#API_KEY} and
 * the like), never a token.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class FakeSitecoreCdpServer implements AutoCloseable {

	private final FakeSitecoreCdp cdp;

	private final FakeControlApi control;

	private FakeSitecoreCdpServer(ServerOptions options) {
		this.cdp = FakeSitecoreCdp.startOn(options.ports(), Clock.systemUTC());
		try {
			if (options.demoData()) {
				this.cdp.withDemoData();
			}
			options.registrations().forEach(this.cdp::addRegistration);
			this.control = new FakeControlApi(this.cdp, options.controlPort());
		}
		catch (RuntimeException ex) {
			this.cdp.close();
			throw ex;
		}
	}

	/**
	 * Run the fake until the JVM is stopped (Ctrl+C, SIGTERM).
	 * @param args the options; {@code --help} lists them
	 * @throws InterruptedException if the main thread is interrupted
	 */
	public static void main(String[] args) throws InterruptedException {
		ServerOptions options;
		try {
			options = ServerOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.print(ServerOptions.USAGE);
			System.exit(2);
			return;
		}
		if (options.help()) {
			System.out.print(ServerOptions.USAGE);
			return;
		}
		FakeSitecoreCdpServer server;
		try {
			server = new FakeSitecoreCdpServer(options);
		}
		catch (RuntimeException ex) {
			System.err.println("Could not start the fake Sitecore CDP: " + ex.getMessage()
					+ " (a port in use? choose others with --port, or --port=0 for free ones)");
			System.exit(1);
			return;
		}
		Runtime.getRuntime().addShutdownHook(new Thread(server::close, "fake-sitecore-cdp-stop"));
		System.out.print(server.describe());
		System.out.flush();
		// The servers' threads are daemons: the main thread keeps the JVM alive.
		new CountDownLatch(1).await();
	}

	/** Where everything is, and the properties to copy, as printed at start. */
	String describe() {
		StringBuilder text = new StringBuilder();
		text.append("Fake Sitecore CDP on loopback\n");
		text.append("  token endpoint  ").append(this.cdp.tokenUri()).append('\n');
		text.append("  API             ").append(this.cdp.baseUrl()).append('\n');
		text.append("  file host       ").append(this.cdp.fileBaseUrl()).append('\n');
		text.append("Point an application here with these properties (also at GET ")
			.append(this.control.baseUrl()).append("/properties):\n");
		this.cdp.programProperties().forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
		// Last, so that a script or test knows the fake is ready once it reads this line.
		text.append("Control API at ").append(this.control.baseUrl())
			.append(" (GET / lists its endpoints). Stop the fake with Ctrl+C.\n");
		return text.toString();
	}

	@Override
	public void close() {
		this.control.close();
		this.cdp.close();
	}

}

package io.github.sitecorecdp.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;

import javax.net.ssl.SSLSocketFactory;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockWebServer;

/**
 * Starts a {@link MockWebServer} on loopback that answers through a dispatcher.
 */
final class LoopbackServer {

	private LoopbackServer() {
	}

	/**
	 * Start a server.
	 * @param dispatcher what answers requests
	 * @param https the socket factory for HTTPS, or {@code null} for plain HTTP
	 * @return the running server
	 */
	static MockWebServer start(Dispatcher dispatcher, SSLSocketFactory https) {
		MockWebServer server = new MockWebServer();
		server.setDispatcher(dispatcher);
		if (https != null) {
			server.useHttps(https);
		}
		try {
			server.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return server;
	}

}

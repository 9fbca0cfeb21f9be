package io.github.sitecorecdp.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP proxy on loopback that tunnels CONNECT requests (how Reactor Netty uses an HTTP
 * proxy) and records each tunnel's target and Proxy-Authorization header.
 */
public final class RecordingProxy implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final List<Tunnel> tunnels = new CopyOnWriteArrayList<>();

	private RecordingProxy() throws IOException {
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::acceptLoop, "recording-proxy");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	public static RecordingProxy start() {
		try {
			return new RecordingProxy();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public int port() {
		return this.serverSocket.getLocalPort();
	}

	public List<Tunnel> tunnels() {
		return this.tunnels;
	}

	public List<String> targets() {
		return this.tunnels.stream().map(Tunnel::target).toList();
	}

	private void acceptLoop() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket client = this.serverSocket.accept();
				daemon(() -> handle(client));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void handle(Socket client) {
		try (client) {
			InputStream in = client.getInputStream();
			String head = HttpHeads.read(in);
			if (head == null) {
				throw new IOException("Connection closed before the request head ended");
			}
			String[] lines = head.split("\r\n");
			String[] requestLine = lines[0].split(" ");
			String authorization = null;
			for (String line : lines) {
				if (line.regionMatches(true, 0, "Proxy-Authorization:", 0, 20)) {
					authorization = line.substring(20).trim();
				}
			}
			if (!requestLine[0].equals("CONNECT")) {
				client.getOutputStream().write("HTTP/1.1 405 Method Not Allowed\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				return;
			}
			String target = requestLine[1];
			this.tunnels.add(new Tunnel(target, authorization));
			int colon = target.lastIndexOf(':');
			try (Socket upstream = new Socket(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)))) {
				client.getOutputStream()
					.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				Thread back = daemon(() -> pipe(upstream, client));
				pipe(client, upstream);
				back.join(5000);
			}
		}
		catch (IOException | InterruptedException ex) {
			// The tunnel ends when either side closes.
		}
	}

	private static void pipe(Socket from, Socket to) {
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			byte[] buffer = new byte[8192];
			int read;
			while ((read = in.read(buffer)) != -1) {
				out.write(buffer, 0, read);
				out.flush();
			}
			to.shutdownOutput();
		}
		catch (IOException ex) {
			// One side went away; the other follows.
		}
	}

	private static Thread daemon(Runnable task) {
		Thread thread = new Thread(task, "recording-proxy-connection");
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	@Override
	public void close() {
		try {
			this.serverSocket.close();
		}
		catch (IOException ex) {
			// Already closed.
		}
	}

	/**
	 * One CONNECT tunnel.
	 *
	 * @param target the {@code host:port} tunnelled to
	 * @param proxyAuthorization the Proxy-Authorization header, or {@code null}
	 */
	public record Tunnel(String target, String proxyAuthorization) {
	}

}

package io.github.sitecorecdp.events;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.github.sitecorecdp.testsupport.HttpHeads;

/**
 * A loopback HTTP/1.1 server written by hand on a socket, for what an HTTP server library
 * will not do: close or reset a connection without an answer, never answer, cut a body
 * after its headers, send a redirect as it is. Each connection carries one request: its
 * head is read and recorded, then the connection gets the {@link Answer} chosen for it.
 */
final class RawHttpServer implements AutoCloseable {

	private final ServerSocket server;

	private final List<Socket> open = new CopyOnWriteArrayList<>();

	private final List<String> heads = new CopyOnWriteArrayList<>();

	private final Function<String, Answer> answers;

	private RawHttpServer(Function<String, Answer> answers) throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.answers = answers;
		Thread acceptor = new Thread(this::accept, "raw-http-server-" + this.server.getLocalPort());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/** A server giving every request the same answer. */
	static RawHttpServer start(Answer answer) throws IOException {
		return new RawHttpServer((head) -> answer);
	}

	/** A server giving each request the answer chosen for its head, in the order they arrive. */
	static RawHttpServer start(Function<String, Answer> answers) throws IOException {
		return new RawHttpServer(answers);
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.getLocalPort();
	}

	/** Each request's head (request line and headers), in arrival order. */
	List<String> heads() {
		return this.heads;
	}

	/** The requests to a path starting with {@code pathPrefix} whose head arrived, answered or not. */
	long requests(String pathPrefix) {
		return this.heads.stream().filter((head) -> head.startsWith("GET " + pathPrefix)).count();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				this.open.add(socket);
				String head = HttpHeads.read(socket.getInputStream());
				if (head == null) {
					socket.close();
					continue;
				}
				this.heads.add(head);
				this.answers.apply(head).give(socket);
			}
			catch (IOException ex) {
				// Closed at the end of the test, or the client gave up on the connection.
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		for (Socket socket : this.open) {
			socket.close();
		}
	}

	/** What a connection gets once its request's head is read. */
	static final class Answer {

		private enum End {

			CLOSE, RESET, KEEP_OPEN

		}

		private final String response;

		private final End end;

		private Answer(String response, End end) {
			this.response = response;
			this.end = end;
		}

		/**
		 * The response as it is, then the connection closed; with an empty response, a
		 * connection closed without a word.
		 */
		static Answer thenClose(String response) {
			return new Answer(response, End.CLOSE);
		}

		/**
		 * The response as it is, then the connection left open; with an empty response, a
		 * call that is never answered.
		 */
		static Answer thenKeepOpen(String response) {
			return new Answer(response, End.KEEP_OPEN);
		}

		/** No answer: the connection reset (a TCP RST, not a close). */
		static Answer reset() {
			return new Answer("", End.RESET);
		}

		private void give(Socket socket) throws IOException {
			if (this.end == End.RESET) {
				// A linger of 0 makes close send RST rather than FIN.
				socket.setSoLinger(true, 0);
				socket.close();
				return;
			}
			OutputStream out = socket.getOutputStream();
			out.write(announced().getBytes(StandardCharsets.UTF_8));
			out.flush();
			if (this.end == End.CLOSE) {
				socket.close();
			}
		}

		/**
		 * The response, saying {@code Connection: close} when the server closes after it:
		 * Reactor Netty's global pool is shared by every client of a test run, and a
		 * connection closed without notice could be handed to the next call before the
		 * close was seen (a flaky reset).
		 */
		private String announced() {
			if (this.end != End.CLOSE || this.response.isEmpty()
					|| this.response.toLowerCase(Locale.ROOT).contains("\r\nconnection:")) {
				return this.response;
			}
			int line = this.response.indexOf("\r\n");
			return this.response.substring(0, line) + "\r\nConnection: close" + this.response.substring(line);
		}

	}

}

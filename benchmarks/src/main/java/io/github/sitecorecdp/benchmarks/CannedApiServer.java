package io.github.sitecorecdp.benchmarks;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpServer;

/**
 * The cheapest HTTP/1.1 API server we could write: it does not parse requests, it counts
 * their ends ({@code CRLF CRLF}: enough for body-less GETs, and for POSTs of one-line JSON,
 * whose bodies hold no line break) and answers each with the same prepared response
 * bytes, flushing once per read.
 *
 * <p>
 * It exists so that the client is the bottleneck of a loopback benchmark on a small
 * machine, where server and client share the cores: every microsecond the server does not
 * spend is one the client can, so what the client costs per call shows in calls per
 * second. {@link BenchServer} (Reactor Netty's HTTP server with routes, token checks and
 * JSON) is realistic, but costs about as much per call as a client, which hides a
 * client's difference behind the server's share. It answers every request alike, checking
 * no token: the token endpoint stays on {@link BenchServer}.
 */
final class CannedApiServer implements AutoCloseable {

	/** The name prefix of its event loops' threads. */
	static final String THREADS = "canned-api";

	/** The answer of the client-bound token-layer benchmarks: a small API document. */
	static final String API_BODY = "{\"executionRef\":\"exec-1\",\"numberOfFiles\":3,\"totalSizeKB\":22}";

	private final LoopResources loops;

	private final DisposableServer server;

	/**
	 * Start a server on loopback.
	 * @param threads the event loops of the server, its own (sharing the client's made
	 * throughput depend on where each connection landed)
	 */
	CannedApiServer(int threads) {
		this(threads, "200 OK", API_BODY);
	}

	/**
	 * Start a server on loopback answering every request with the given status and JSON
	 * body.
	 * @param threads the event loops of the server, its own
	 * @param status the status line's code and reason, such as {@code 201 Created}
	 * @param body the JSON body
	 */
	CannedApiServer(int threads, String status, String body) {
		ByteBuf answer = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(response(status, body)))
			.asReadOnly();
		this.loops = LoopResources.create(THREADS, threads, true);
		// Reactor Netty only binds and runs the loops: the answerer, first in each pipeline,
		// takes every read, so none of Reactor Netty's per-request machinery runs.
		this.server = TcpServer.create()
			.runOn(this.loops)
			.host("127.0.0.1")
			.port(0)
			.doOnChannelInit((observer, channel, address) -> channel.pipeline().addFirst(new Answerer(answer)))
			.handle((in, out) -> out.neverComplete())
			.bindNow();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
	}

	@Override
	public void close() {
		this.server.disposeNow();
		this.loops.disposeLater().block();
	}

	private static byte[] response(String status, String body) {
		byte[] content = body.getBytes(StandardCharsets.UTF_8);
		String head = "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + content.length
				+ "\r\n\r\n";
		byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
		byte[] all = new byte[headBytes.length + content.length];
		System.arraycopy(headBytes, 0, all, 0, headBytes.length);
		System.arraycopy(content, 0, all, headBytes.length, content.length);
		return all;
	}

	/**
	 * Answers each request end seen in the inbound bytes; the position within a
	 * {@code CRLF CRLF} is carried across reads, as a request may be split between them.
	 */
	private static final class Answerer extends ChannelInboundHandlerAdapter {

		private final ByteBuf answer;

		Answerer(ByteBuf answer) {
			this.answer = answer;
		}

		/** How many bytes of {@code CR LF CR LF} were matched at the end of the last read. */
		private int matched;

		private boolean answered;

		@Override
		public void channelRead(ChannelHandlerContext context, Object message) {
			ByteBuf in = (ByteBuf) message;
			try {
				int requests = 0;
				for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
					byte b = in.getByte(i);
					boolean expectCr = (this.matched % 2) == 0;
					if (b == (expectCr ? '\r' : '\n')) {
						this.matched++;
						if (this.matched == 4) {
							requests++;
							this.matched = 0;
						}
					}
					else {
						this.matched = (b == '\r') ? 1 : 0;
					}
				}
				for (int i = 0; i < requests; i++) {
					context.write(this.answer.duplicate(), context.voidPromise());
					this.answered = true;
				}
			}
			finally {
				in.release();
			}
		}

		@Override
		public void channelActive(ChannelHandlerContext context) {
			// Reactor Netty reads on demand (auto-read off): ask for the first read.
			context.read();
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext context) {
			if (this.answered) {
				this.answered = false;
				context.flush();
			}
			context.read();
		}

	}

}

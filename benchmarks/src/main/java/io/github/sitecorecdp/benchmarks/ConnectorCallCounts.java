package io.github.sitecorecdp.benchmarks;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import io.github.sitecorecdp.web.CdpBearerClientHttpConnector;
import io.github.sitecorecdp.web.CdpBearerProtocol;
import io.github.sitecorecdp.web.CdpHost;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Counts, per WebClient call, what load does not distort: Netty writes, flushes and reads
 * on the client's channels, and on which kind of thread each step of a call runs (the
 * call's subscription, the request callback, the response). Compares the static-header
 * limit with the starter's bearer connector over the same Reactor Netty settings.
 * {@code java -cp benchmarks.jar io.github.sitecorecdp.benchmarks.ConnectorCallCounts [limit|ours] [calls] [concurrency]}
 */
public final class ConnectorCallCounts {

	private ConnectorCallCounts() {
	}

	public static void main(String[] args) {
		String which = (args.length > 0) ? args[0] : "ours";
		int calls = (args.length > 1) ? Integer.parseInt(args[1]) : 20_000;
		int concurrency = (args.length > 2) ? Integer.parseInt(args[2]) : 16;
		try (BenchServer server = new BenchServer(Clock.systemUTC()); Clients.Ours ours = Clients.ours(server)) {
			Counter counter = new Counter();
			HttpClient httpClient = HttpClient.create()
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
				.responseTimeout(Duration.ofSeconds(30))
				.doOnConnected((connection) -> connection.addHandlerFirst("call-counter", counter));
			Steps steps = new Steps();
			ClientHttpConnector wire = steps.wrap(new ReactorClientHttpConnector(httpClient));
			WebClient.Builder builder = WebClient.builder()
				.baseUrl(server.baseUrl())
				.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE);
			WebClient client = switch (which) {
				case "limit" -> builder.clientConnector(wire)
					.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + BenchServer.STATIC_TOKEN)
					.build();
				case "ours" -> builder.clientConnector(new CdpBearerClientHttpConnector(wire,
						new CdpBearerProtocol(ours.tokenManager(), CdpHost.of(URI.create(server.baseUrl())))))
					.build();
				// The starter's own cdpWebClient bean, as an application gets it (its own HttpClient,
				// so only the step threads are recorded, through a filter).
				case "starter" -> ours.client().mutate().filter((request, next) -> next.exchange(request)
					.doOnSubscribe((s) -> steps.count("1 exchange subscribed"))
					.doOnNext((r) -> steps.count("4 response"))).build();
				default -> throw new IllegalArgumentException(which);
			};
			run(client, 5_000, concurrency);
			counter.reset();
			steps.reset();
			long start = System.nanoTime();
			run(client, calls, concurrency);
			long elapsed = System.nanoTime() - start;
			System.out.printf("%s calls=%d concurrency=%d elapsed=%dms%n", which, calls, concurrency,
					elapsed / 1_000_000);
			counter.print(calls);
			steps.print(calls);
		}
	}

	private static void run(WebClient client, int calls, int concurrency) {
		Flux.range(0, calls)
			.flatMap((i) -> client.get().uri("/api").retrieve().bodyToMono(String.class), concurrency)
			.count()
			.block(Duration.ofSeconds(300));
	}

	@ChannelHandler.Sharable
	static final class Counter extends ChannelDuplexHandler {

		final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

		void count(String what) {
			this.counts.computeIfAbsent(what, (k) -> new LongAdder()).increment();
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
			count("write " + msg.getClass().getSimpleName());
			if (!ctx.channel().eventLoop().inEventLoop()) {
				count("write off event loop");
			}
			super.write(ctx, msg, promise);
		}

		@Override
		public void flush(ChannelHandlerContext ctx) throws Exception {
			count("flush");
			super.flush(ctx);
		}

		@Override
		public void read(ChannelHandlerContext ctx) throws Exception {
			count("read() request");
			super.read(ctx);
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
			count("channelRead");
			super.channelRead(ctx, msg);
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
			count("channelReadComplete");
			super.channelReadComplete(ctx);
		}

		void reset() {
			this.counts.clear();
		}

		void print(int calls) {
			this.counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
				.forEach((e) -> System.out.printf("  netty %-28s %.3f per call%n", e.getKey(), e.getValue().sum() / (double) calls));
		}

	}

	/** Records the kind of thread each step of a call runs on. */
	static final class Steps {

		final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

		void count(String step) {
			String thread = Thread.currentThread().getName().replaceAll("-\\d+$", "-N").replaceAll("\\d+", "N");
			this.counts.computeIfAbsent(step + " on " + thread, (k) -> new LongAdder()).increment();
		}

		ClientHttpConnector wrap(ClientHttpConnector delegate) {
			return new ClientHttpConnector() {
				@Override
				public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
						Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
					return delegate.connect(method, uri, (request) -> {
						count("2 request callback");
						return requestCallback.apply(request).doOnSuccess((v) -> count("3 request written"));
					}).doOnSubscribe((s) -> count("1 connect subscribed")).doOnNext((r) -> count("4 response"));
				}
			};
		}

		void reset() {
			this.counts.clear();
		}

		void print(int calls) {
			this.counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
				.forEach((e) -> System.out.printf("  step  %-44s %.3f per call%n", e.getKey(), e.getValue().sum() / (double) calls));
		}

	}

}

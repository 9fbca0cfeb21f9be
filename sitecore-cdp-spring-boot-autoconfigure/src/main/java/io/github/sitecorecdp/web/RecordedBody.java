package io.github.sitecorecdp.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpRequestDecorator;

/**
 * What the first attempt of a WebClient request wrote (its headers and the bytes of its
 * body) so that a replay sends exactly that, whatever produced the body.
 *
 * <p>
 * Asking the body inserter again is not enough: an {@code InputStream} or a single-use
 * publisher writes nothing or fails the second time, and a multipart writer picks a new
 * boundary. So the first attempt's bytes are copied as they are written, up to
 * {@link #MAX_BYTES}; a larger body is not kept and its replay fails with a clear error.
 * A request without a body records nothing and is replayed by writing it again.
 *
 * @author sitecore-cdp-spring-boot
 */
final class RecordedBody {

	/** Largest body kept for a replay. API request bodies are small JSON documents. */
	static final int MAX_BYTES = 1024 * 1024;

	private @Nullable HttpHeaders headers;

	private @Nullable ByteArrayOutputStream bytes;

	private volatile boolean complete;

	private volatile boolean tooLarge;

	/**
	 * Return the first attempt's request, which records what is written to it.
	 * @param request the connector's request
	 * @return the request to hand to the request callback
	 */
	ClientHttpRequest recording(ClientHttpRequest request) {
		return new ClientHttpRequestDecorator(request) {

			@Override
			public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
				start(getHeaders());
				if (body instanceof Mono<? extends DataBuffer> mono) {
					return super.writeWith(mono.doOnNext(RecordedBody.this::record).doOnSuccess((buffer) -> finish()));
				}
				return super.writeWith(Flux.from(body).doOnNext(RecordedBody.this::record).doOnComplete(RecordedBody.this::finish));
			}

			@Override
			public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
				start(getHeaders());
				return super.writeAndFlushWith(Flux.from(body)
					.map((part) -> Flux.from(part).doOnNext(RecordedBody.this::record))
					.doOnComplete(RecordedBody.this::finish));
			}

			@Override
			public Mono<Void> setComplete() {
				finish();
				return super.setComplete();
			}

		};
	}

	/**
	 * Return a replay's request: the request callback runs again (cookies, attributes),
	 * but what reaches the wire is the first attempt's headers and bytes, with the new
	 * token.
	 * @param request the connector's request
	 * @param authorize sets the new token on the given headers
	 * @return the request to hand to the request callback
	 */
	ClientHttpRequest replaying(ClientHttpRequest request, Consumer<HttpHeaders> authorize) {
		authorize.accept(request.getHeaders());
		HttpHeaders recordedHeaders = this.headers;
		ByteArrayOutputStream recordedBytes = this.bytes;
		if (recordedHeaders == null || recordedBytes == null) {
			return request;
		}
		byte[] content = recordedBytes.toByteArray();
		return new ClientHttpRequestDecorator(request) {

			@Override
			public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
				return writeRecorded();
			}

			@Override
			public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
				return writeRecorded();
			}

			@Override
			public Mono<Void> setComplete() {
				return writeRecorded();
			}

			private Mono<Void> writeRecorded() {
				HttpHeaders target = getHeaders();
				target.clear();
				recordedHeaders.forEach(target::put);
				authorize.accept(target);
				return super.writeWith(Mono.fromSupplier(() -> bufferFactory().wrap(content)));
			}

		};
	}

	/**
	 * Return why this request cannot be sent again with the same bytes.
	 * @return the reason, or {@code null} if it can
	 */
	@Nullable String whyNotReplayable() {
		if (this.tooLarge) {
			return "its body is larger than " + (MAX_BYTES / 1024) + " KiB and was not kept for a replay";
		}
		if (!this.complete) {
			return "the API answered before the whole body was sent";
		}
		return null;
	}

	private void start(HttpHeaders headers) {
		HttpHeaders copy = new HttpHeaders();
		headers.forEach((name, values) -> copy.put(name, new ArrayList<>(values)));
		this.headers = copy;
		this.bytes = new ByteArrayOutputStream(256);
	}

	private void record(DataBuffer buffer) {
		ByteArrayOutputStream out = this.bytes;
		if (out == null || this.tooLarge) {
			return;
		}
		int length = buffer.readableByteCount();
		if (out.size() + (long) length > MAX_BYTES) {
			this.tooLarge = true;
			this.bytes = null;
			return;
		}
		// Copies without moving the buffer's read position: the buffer is still to be sent.
		int offset = buffer.readPosition();
		byte[] chunk = new byte[length];
		buffer.toByteBuffer(offset, ByteBuffer.wrap(chunk), 0, length);
		out.write(chunk, 0, length);
	}

	private void finish() {
		this.complete = true;
	}

}

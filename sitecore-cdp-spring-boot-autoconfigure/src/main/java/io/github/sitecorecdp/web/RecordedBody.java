package io.github.sitecorecdp.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpRequestDecorator;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * What the first attempt of a WebClient request wrote (headers, cookies and the bytes of
 * its body) so that a replay sends exactly that, whatever produced the body.
 *
 * <p>
 * Asking the body's source again is not an option: an {@code InputStream} or a
 * single-use publisher writes nothing or fails the second time, a multipart writer picks
 * a new boundary, and a re-encoded value is a second buffer to manage. So the first
 * attempt's bytes are copied as they are written, up to {@link #MAX_BYTES}, and a replay
 * writes the copy without running the request's body writer again. A larger body is not
 * kept, and its replay fails with a clear error. A request without a body records nothing
 * (its {@code setComplete()} passes straight through, which keeps the common GET as cheap as
 * a plain request) and is replayed by writing it again.
 *
 * @author sitecore-cdp-spring-boot
 */
final class RecordedBody {

	/** Largest body kept for a replay. API request bodies are small JSON documents. */
	static final int MAX_BYTES = 1024 * 1024;

	private volatile @Nullable HttpHeaders headers;

	private volatile @Nullable MultiValueMap<String, HttpCookie> cookies;

	private volatile @Nullable ByteArrayOutputStream bytes;

	private volatile boolean single;

	private volatile boolean complete;

	private volatile boolean tooLarge;

	private volatile boolean ownAuthorization;

	/**
	 * Return the first attempt's request, which records what is written to it and gets the
	 * given {@code Authorization} unless the application set its own.
	 * @param request the connector's request
	 * @param authorization the bearer header value
	 * @return the request to hand to the request callback
	 */
	ClientHttpRequest recording(ClientHttpRequest request, String authorization) {
		return new ClientHttpRequestDecorator(request) {

			@Override
			public Mono<Void> setComplete() {
				authorize(getHeaders(), authorization);
				return super.setComplete();
			}

			@Override
			public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
				authorize(getHeaders(), authorization);
				start(getHeaders(), getCookies(), body instanceof Mono);
				Publisher<? extends DataBuffer> recorded = (body instanceof Mono<? extends DataBuffer> mono)
						? mono.doOnNext(RecordedBody.this::record) : Flux.from(body).doOnNext(RecordedBody.this::record);
				return super.writeWith(recorded).doOnSuccess((done) -> finish());
			}

			@Override
			public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
				authorize(getHeaders(), authorization);
				start(getHeaders(), getCookies(), false);
				return super.writeAndFlushWith(
						Flux.from(body).map((part) -> Flux.from(part).doOnNext(RecordedBody.this::record)))
					.doOnSuccess((done) -> finish());
			}

		};
	}

	/**
	 * Return whether the request carried the application's own {@code Authorization} (a
	 * Basic-auth API, say): it was sent as it was, and its 401 says nothing about the token.
	 * @return whether the application authorized the request itself
	 */
	boolean hasOwnAuthorization() {
		return this.ownAuthorization;
	}

	/**
	 * Set once the application's headers are on the request (WebClient copies them before
	 * writing), so that its own {@code Authorization} is kept.
	 */
	private void authorize(HttpHeaders headers, String authorization) {
		if (headers.getFirst(HttpHeaders.AUTHORIZATION) != null) {
			if (!authorization.equals(headers.getFirst(HttpHeaders.AUTHORIZATION))) {
				this.ownAuthorization = true;
			}
			return;
		}
		headers.set(HttpHeaders.AUTHORIZATION, authorization);
	}

	/**
	 * Return whether the first attempt wrote a body, which a replay must send from the
	 * recording rather than by running the request callback again.
	 * @return whether a body was recorded
	 */
	boolean hasBody() {
		return this.headers != null;
	}

	/**
	 * Write the recorded request onto a replay's request: the first attempt's headers,
	 * cookies and bytes, with the given {@code Authorization} value.
	 * @param request the replay's request
	 * @param authorization the new {@code Authorization} header value
	 * @return the completion of the write
	 */
	Mono<Void> writeTo(ClientHttpRequest request, String authorization) {
		HttpHeaders recordedHeaders = this.headers;
		MultiValueMap<String, HttpCookie> recordedCookies = this.cookies;
		ByteArrayOutputStream recordedBytes = this.bytes;
		if (recordedHeaders == null || recordedCookies == null || recordedBytes == null) {
			return Mono.error(new IllegalStateException("No body was recorded"));
		}
		HttpHeaders target = request.getHeaders();
		recordedHeaders.forEach(target::put);
		target.set(HttpHeaders.AUTHORIZATION, authorization);
		request.getCookies().addAll(recordedCookies);
		byte[] content = recordedBytes.toByteArray();
		// Same shape as the first attempt: a single buffer keeps its Content-Length, a
		// stream stays chunked.
		Mono<DataBuffer> buffer = Mono.fromSupplier(() -> request.bufferFactory().wrap(content));
		return request.writeWith(this.single ? buffer : Flux.from(buffer));
	}

	/**
	 * Return why this request cannot be sent again with the same bytes. A request without
	 * a body can always be sent again.
	 * @return the reason, or {@code null} if it can
	 */
	@Nullable String whyNotReplayable() {
		if (!hasBody()) {
			return null;
		}
		if (this.tooLarge) {
			return "its body is larger than " + (MAX_BYTES / 1024) + " KiB and was not kept for a replay";
		}
		if (!this.complete) {
			return "the API answered before the whole body was sent";
		}
		return null;
	}

	private void start(HttpHeaders headers, MultiValueMap<String, HttpCookie> cookies, boolean single) {
		HttpHeaders headersCopy = new HttpHeaders();
		headers.forEach((name, values) -> headersCopy.put(name, new ArrayList<>(values)));
		this.headers = headersCopy;
		this.cookies = new LinkedMultiValueMap<>(cookies);
		this.single = single;
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
		byte[] chunk = new byte[length];
		buffer.toByteBuffer(buffer.readPosition(), ByteBuffer.wrap(chunk), 0, length);
		out.write(chunk, 0, length);
	}

	private void finish() {
		this.complete = true;
	}

}

package io.github.sitecorecdp.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.UnknownHostException;


import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.AbstractClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.util.FastByteArrayOutputStream;

/**
 * Puts the access token on RestClient requests to the API origin at the request factory,
 * below every interceptor and observation of the application, and sends a request once
 * more after a 401 as {@link CdpBearerProtocol} decides.
 *
 * <p>
 * The application's interceptors work on a request that never holds the token: the token
 * is set only on the request this factory creates for the wire, which nobody else sees.
 * The body is buffered (as RestClient does whenever there are interceptors), so a replay
 * sends exactly the same bytes; as on {@code cdpWebClient}, only a body of at most
 * {@link RecordedBody#MAX_BYTES} is kept for a replay: after a 401 to a larger one the
 * refused token is dropped, the 401 is released and the call fails saying why. Blocks for the token only when none is in service:
 * RestClient callers are blocking already, and concurrent threads still share one token
 * request.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CdpBearerClientHttpRequestFactory implements ClientHttpRequestFactory {

	private static final byte[] NO_BODY = new byte[0];

	private final ClientHttpRequestFactory delegate;

	private final CdpBearerProtocol protocol;

	/**
	 * Create a new instance.
	 * @param delegate the factory that does the HTTP
	 * @param protocol which requests get the token and what a 401 means
	 */
	public CdpBearerClientHttpRequestFactory(ClientHttpRequestFactory delegate, CdpBearerProtocol protocol) {
		this.delegate = delegate;
		this.protocol = protocol;
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
		if (!this.protocol.appliesTo(uri)) {
			return this.delegate.createRequest(uri, httpMethod);
		}
		return new BearerRequest(uri, httpMethod);
	}

	/**
	 * A request whose headers and body are collected here and sent, with the token, on a
	 * request of the delegate: once, or twice after a 401.
	 */
	private final class BearerRequest extends AbstractClientHttpRequest {

		private final URI uri;

		private final HttpMethod method;

		// Created when a body is written: most API calls have none.
		private @Nullable FastByteArrayOutputStream body;

		BearerRequest(URI uri, HttpMethod method) {
			this.uri = uri;
			this.method = method;
		}

		@Override
		public HttpMethod getMethod() {
			return this.method;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

		@Override
		protected OutputStream getBodyInternal(HttpHeaders headers) {
			FastByteArrayOutputStream stream = this.body;
			if (stream == null) {
				stream = new FastByteArrayOutputStream(256);
				this.body = stream;
			}
			return stream;
		}

		@Override
		protected ClientHttpResponse executeInternal(HttpHeaders headers) throws IOException {
			// As a buffering request does, for a written body or a method that expects one.
			byte[] bytes = (this.body != null) ? this.body.toByteArrayUnsafe() : NO_BODY;
			if ((this.body != null || expectsBody(this.method)) && headers.getContentLength() < 0
					&& headers.getFirst(HttpHeaders.TRANSFER_ENCODING) == null) {
				headers.setContentLength(bytes.length);
			}
			CdpBearerProtocol protocol = CdpBearerClientHttpRequestFactory.this.protocol;
			if (headers.getFirst(HttpHeaders.AUTHORIZATION) != null) {
				// The application's own (a Basic-auth API): sent as it is, and its 401 says
				// nothing about the token.
				return send(headers, bytes, null);
			}
			OAuth2AccessToken token = protocol.obtainToken();
			ClientHttpResponse response = send(headers, bytes, token);
			try {
				if (!CdpBearerProtocol.isRejected(response.getStatusCode().value())
						|| !protocol.shouldReplay(this.method, this.uri, token,
								response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE))) {
					return response;
				}
			}
			catch (IOException | RuntimeException ex) {
				response.close();
				throw ex;
			}
			// Closed before waiting for a token, so that the connection is not held meanwhile.
			response.close();
			if (bytes.length > RecordedBody.MAX_BYTES) {
				// One rule for both clients: a body over the bound is sent once, never kept.
				throw new IllegalStateException(CdpBearerProtocol.replayImpossible(this.method, this.uri,
						"its body is larger than " + (RecordedBody.MAX_BYTES / 1024) + " KiB and was not kept for a "
								+ "replay"));
			}
			OAuth2AccessToken replacement = protocol.obtainToken();
			ClientHttpResponse replayed = send(headers, bytes, replacement);
			try {
				protocol.replayAnswered(replacement, replayed.getStatusCode().value());
			}
			catch (IOException | RuntimeException ex) {
				replayed.close();
				throw ex;
			}
			return replayed;
		}

		private ClientHttpResponse send(HttpHeaders headers, byte[] bytes, @Nullable OAuth2AccessToken token)
				throws IOException {
			ClientHttpRequest request = CdpBearerClientHttpRequestFactory.this.delegate.createRequest(this.uri,
					this.method);
			HttpHeaders target = request.getHeaders();
			headers.forEach(target::put);
			if (token != null) {
				target.set(HttpHeaders.AUTHORIZATION,
						CdpBearerClientHttpRequestFactory.this.protocol.headerValue(token));
			}
			if (!getAttributes().isEmpty()) {
				request.getAttributes().putAll(getAttributes());
			}
			if (bytes.length > 0) {
				write(request, bytes);
			}
			try {
				return request.execute();
			}
			catch (UnknownHostException ex) {
				throw CdpBearerClientHttpRequestFactory.this.protocol.unresolvedHost(ex);
			}
		}

		private static boolean expectsBody(HttpMethod method) {
			return HttpMethod.POST.equals(method) || HttpMethod.PUT.equals(method) || HttpMethod.PATCH.equals(method);
		}

		private static void write(ClientHttpRequest request, byte[] bytes) throws IOException {
			if (request instanceof StreamingHttpOutputMessage streaming) {
				streaming.setBody((stream) -> stream.write(bytes));
			}
			else {
				request.getBody().write(bytes);
			}
		}

		@Override
		public String toString() {
			return this.method + " " + this.uri;
		}

	}

	@Override
	public String toString() {
		return "CdpBearerClientHttpRequestFactory[" + this.delegate + "]";
	}

}

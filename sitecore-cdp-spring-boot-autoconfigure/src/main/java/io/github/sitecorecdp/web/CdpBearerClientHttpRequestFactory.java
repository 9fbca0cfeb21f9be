package io.github.sitecorecdp.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;


import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.util.Assert;
import org.springframework.util.CollectionUtils;
import org.springframework.util.FastByteArrayOutputStream;
import org.springframework.util.LinkedCaseInsensitiveMap;
import org.springframework.util.MultiValueMap;

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

	/**
	 * {@code Authorization} as header maps keep their keys: looked up by a lower-case name,
	 * a case-insensitive map finds it without making the lower-case copy of the name it
	 * makes on every lookup by {@link HttpHeaders#AUTHORIZATION}.
	 */
	private static final String AUTHORIZATION_KEY = HttpHeaders.AUTHORIZATION.toLowerCase(Locale.ROOT);

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
	 *
	 * <p>
	 * Not an {@code AbstractClientHttpRequest}: its headers are a map this class holds, so
	 * that they are copied onto the delegate's request by walking that map. On Spring
	 * Framework 7 {@code HttpHeaders.forEach} makes a case-insensitive view of several
	 * objects for every call, and the view's only way round it,
	 * {@code asMultiValueMap()}, does not exist on Framework 6. With the lower-case lookup
	 * of {@code Authorization} and attributes made only when asked for, this took what the
	 * factory allocates per call from about 1,400 to about 560 bytes over a static header
	 * (issue 21 bounds it at 1 KB).
	 */
	private final class BearerRequest implements ClientHttpRequest {

		private final URI uri;

		private final HttpMethod method;

		// Case-insensitive, as HttpHeaders' own: the application's headers.
		private final MultiValueMap<String, String> headerMap = CollectionUtils
			.toMultiValueMap(new LinkedCaseInsensitiveMap<>(8, Locale.ENGLISH));

		private final HttpHeaders headers = new HttpHeaders(this.headerMap);

		private @Nullable HttpHeaders readOnlyHeaders;

		private boolean executed;

		// Created when a body is written: most API calls have none.
		private @Nullable FastByteArrayOutputStream body;

		// Created when asked for, as the body: most calls carry no attributes.
		private @Nullable Map<String, Object> attributes;

		BearerRequest(URI uri, HttpMethod method) {
			this.uri = uri;
			this.method = method;
		}

		@Override
		public HttpHeaders getHeaders() {
			if (!this.executed) {
				return this.headers;
			}
			HttpHeaders readOnly = this.readOnlyHeaders;
			if (readOnly == null) {
				readOnly = HttpHeaders.readOnlyHttpHeaders(this.headers);
				this.readOnlyHeaders = readOnly;
			}
			return readOnly;
		}

		@Override
		public OutputStream getBody() {
			assertNotExecuted();
			FastByteArrayOutputStream stream = this.body;
			if (stream == null) {
				stream = new FastByteArrayOutputStream(256);
				this.body = stream;
			}
			return stream;
		}

		@Override
		public ClientHttpResponse execute() throws IOException {
			assertNotExecuted();
			this.executed = true;
			return exchange();
		}

		private void assertNotExecuted() {
			Assert.state(!this.executed, "ClientHttpRequest already executed");
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
		public Map<String, Object> getAttributes() {
			Map<String, Object> map = this.attributes;
			if (map == null) {
				map = new LinkedHashMap<>();
				this.attributes = map;
			}
			return map;
		}

		private ClientHttpResponse exchange() throws IOException {
			HttpHeaders headers = this.headers;
			// As a buffering request does, for a written body or a method that expects one.
			byte[] bytes = (this.body != null) ? this.body.toByteArrayUnsafe() : NO_BODY;
			if ((this.body != null || expectsBody(this.method)) && headers.getContentLength() < 0
					&& headers.getFirst(HttpHeaders.TRANSFER_ENCODING) == null) {
				headers.setContentLength(bytes.length);
			}
			CdpBearerProtocol protocol = CdpBearerClientHttpRequestFactory.this.protocol;
			if (this.headerMap.getFirst(AUTHORIZATION_KEY) != null) {
				// The application's own (a Basic-auth API): sent as it is, and its 401 says
				// nothing about the token.
				return send(bytes, null);
			}
			OAuth2AccessToken token = protocol.obtainToken();
			ClientHttpResponse response = send(bytes, token);
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
			ClientHttpResponse replayed = send(bytes, replacement);
			try {
				protocol.replayAnswered(replacement, replayed.getStatusCode().value());
			}
			catch (IOException | RuntimeException ex) {
				replayed.close();
				throw ex;
			}
			return replayed;
		}

		private ClientHttpResponse send(byte[] bytes, @Nullable OAuth2AccessToken token) throws IOException {
			ClientHttpRequest request = CdpBearerClientHttpRequestFactory.this.delegate.createRequest(this.uri,
					this.method);
			HttpHeaders target = request.getHeaders();
			this.headerMap.forEach(target::put);
			if (token != null) {
				target.set(HttpHeaders.AUTHORIZATION,
						CdpBearerClientHttpRequestFactory.this.protocol.headerValue(token));
			}
			Map<String, Object> map = this.attributes;
			if (map != null && !map.isEmpty()) {
				request.getAttributes().putAll(map);
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

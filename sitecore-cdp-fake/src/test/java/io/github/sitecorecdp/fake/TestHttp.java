package io.github.sitecorecdp.fake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;

/**
 * The JDK's HTTP client, for seeing the fake from outside as any client would.
 */
final class TestHttp {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient client;

	TestHttp() {
		this(HttpClient.newBuilder());
	}

	TestHttp(SSLContext trust) {
		this(HttpClient.newBuilder().sslContext(trust));
	}

	private TestHttp(HttpClient.Builder builder) {
		this.client = builder.connectTimeout(TIMEOUT).build();
	}

	Answer requestToken(URI tokenUri, String key, String secret, String audience) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "client_credentials");
		form.put("client_id", key);
		form.put("client_secret", secret);
		if (audience != null) {
			form.put("audience", audience);
		}
		String body = form.entrySet()
			.stream()
			.map((field) -> field.getKey() + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return exchange(HttpRequest.newBuilder(tokenUri)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	String token(URI tokenUri) {
		String body = requestToken(tokenUri, FakeTokenEndpoint.API_KEY, FakeTokenEndpoint.API_SECRET,
				FakeTokenEndpoint.AUDIENCE)
			.body();
		String start = body.substring(body.indexOf("\"access_token\":\"") + 16);
		return start.substring(0, start.indexOf('"'));
	}

	Answer get(URI uri, String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri);
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return exchange(request);
	}

	/** The answer with the body replaced by the value of one response header. */
	Answer exchangeWithHeaders(HttpRequest.Builder request, String header) {
		try {
			HttpResponse<String> response = this.client.send(request.timeout(TIMEOUT).build(),
					HttpResponse.BodyHandlers.ofString());
			return new Answer(response.statusCode(), response.headers().firstValue(header).orElse(""));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	Answer exchange(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = this.client.send(request.timeout(TIMEOUT).build(),
					HttpResponse.BodyHandlers.ofString());
			return new Answer(response.statusCode(), response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	record Answer(int status, String body) {
	}

}

package io.github.sitecorecdp.fake;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fake's Stream API answers as Sitecore documents it.
 */
class FakeStreamApiTests {

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private final HttpClient http = HttpClient.newHttpClient();

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	private HttpResponse<String> get(String path, String clientKey, String message) throws Exception {
		URI uri = URI.create(this.cdp.baseUrl() + path + "?client_key=" + clientKey + "&message="
				+ URLEncoder.encode(message, StandardCharsets.UTF_8));
		return this.http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private String event(String browser, String type) {
		return "{\"channel\":\"WEB\",\"type\":\"" + type + "\",\"language\":\"EN\",\"currency\":\"EUR\","
				+ "\"page\":\"/\",\"pos\":\"" + FakeStreamApi.POINT_OF_SALE + "\",\"browser_id\":\"" + browser + "\"}";
	}

	@Test
	void whenABrowserIsCreatedThenItsEventsAreRecordedInOrder() throws Exception {
		HttpResponse<String> created = get("/v1.2/browser/create.json", FakeBatches.CLIENT_KEY, "{}");
		assertThat(created.statusCode()).isEqualTo(200);
		assertThat(created.body()).contains("\"ref\":\"fake-browser-1\"");
		assertThat(get("/v1.2/event/create.json", FakeBatches.CLIENT_KEY, event("fake-browser-1", "VIEW")).statusCode())
			.isEqualTo(201);
		assertThat(get("/v1.2/event/create.json", FakeBatches.CLIENT_KEY, event("fake-browser-1", "ADD")).statusCode())
			.isEqualTo(201);
		assertThat(this.cdp.api().streams().events("fake-browser-1")).hasSize(2)
			.satisfiesExactly((view) -> assertThat(view).contains("VIEW"), (add) -> assertThat(add).contains("ADD"));
	}

	@Test
	void whenAnEventLacksABrowserOrNamesAnUnknownOneThenItIsRefused() throws Exception {
		assertThat(get("/v1.2/event/create.json", FakeBatches.CLIENT_KEY, "{\"type\":\"VIEW\"}").statusCode())
			.isEqualTo(400);
		assertThat(get("/v1.2/event/create.json", FakeBatches.CLIENT_KEY, event("nobody", "VIEW")).statusCode())
			.isEqualTo(404);
		assertThat(get("/v1.2/browser/create.json", "wrong-key", "{}").statusCode()).isEqualTo(401);
		assertThat(this.cdp.api().streams().allEvents()).isEmpty();
	}

	@Test
	void whenTheFakeIsToldToFailThenItAnswersTheStatusAndRetryAfter() throws Exception {
		get("/v1.2/browser/create.json", FakeBatches.CLIENT_KEY, "{}");
		this.cdp.api().streams().tooManyRequests(java.time.Duration.ofSeconds(3)).failNext(1, 503);
		HttpResponse<String> limited = get("/v1.2/event/create.json", FakeBatches.CLIENT_KEY,
				event("fake-browser-1", "VIEW"));
		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(limited.headers().firstValue("Retry-After")).hasValue("3");
		assertThat(get("/v1.2/event/create.json", FakeBatches.CLIENT_KEY, event("fake-browser-1", "VIEW")).statusCode())
			.isEqualTo(503);
		assertThat(get("/v1.2/event/create.json", FakeBatches.CLIENT_KEY, event("fake-browser-1", "VIEW")).statusCode())
			.isEqualTo(201);
		assertThat(this.cdp.api().streams().eventRequests()).isEqualTo(3);
	}

	@Test
	void whenABrowserIsForgottenThenItsNextEventIsNotFoundAndItsEventsStay() throws Exception {
		get("/v1.2/browser/create.json", FakeBatches.CLIENT_KEY, "{}");
		get("/v1.2/event/create.json", FakeBatches.CLIENT_KEY, event("fake-browser-1", "VIEW"));
		this.cdp.api().streams().forgetBrowser("fake-browser-1");
		assertThat(get("/v1.2/event/create.json", FakeBatches.CLIENT_KEY, event("fake-browser-1", "VIEW")).statusCode())
			.isEqualTo(404);
		assertThat(this.cdp.api().streams().events("fake-browser-1")).hasSize(1);
	}

}

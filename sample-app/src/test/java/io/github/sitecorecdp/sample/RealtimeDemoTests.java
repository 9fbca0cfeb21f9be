package io.github.sitecorecdp.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.sitecorecdp.events.BrowserRefStore;
import io.github.sitecorecdp.events.CdpEventSender;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real-time demo as {@code --serve} runs it, offline on the fake: called over HTTP,
 * its page shows the flow's decision or the fallback, and the visitor's events arrive at
 * the fake's Stream API in order, under the visitor's browser ref.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		// A cold JVM on a busy machine can take longer than Sitecore's 400 ms for a first call.
		properties = "sitecore.cdp.flows.deadline=5s")
@ActiveProfiles(SampleApplication.SERVE)
class RealtimeDemoTests {

	@Autowired
	FakeSitecoreCdp fake;

	@Autowired
	CdpEventSender events;

	@Autowired
	BrowserRefStore browserRefs;

	@Autowired
	Environment environment;

	private final HttpClient http = HttpClient.newHttpClient();

	private HttpResponse<String> welcome(String query, String visitor) throws Exception {
		URI uri = URI.create("http://localhost:" + this.environment.getProperty("local.server.port") + "/welcome"
				+ query);
		HttpRequest request = HttpRequest.newBuilder(uri)
			.header("Cookie", RealtimeDemo.VISITOR_COOKIE + "=" + visitor)
			.GET()
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private String browserRef(String visitor) {
		assertThat(this.events.flush(Duration.ofSeconds(10)).completed()).isTrue();
		String ref = this.browserRefs.find(visitor);
		assertThat(ref).as("browser ref of %s", visitor).isNotNull();
		return ref;
	}

	@Test
	void whenAVisitorGivesAnEmailThenViewAndIdentityReachTheFakeAndTheDecisionIsShown() throws Exception {
		HttpResponse<String> page = welcome("?email=ada@example.com", "visitor-ada");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("\"offer\":\"10% off your first order\"", "\"source\":\"decision\"");
		assertThat(this.fake.api().streams().events(browserRef("visitor-ada"))).satisfiesExactly(
				(view) -> assertThat(view).contains("\"type\":\"VIEW\"", "\"page\":\"/welcome\""),
				(identity) -> assertThat(identity).contains("\"type\":\"IDENTITY\"",
						"{\"id\":\"ada@example.com\",\"provider\":\"email\"}"));
		assertThat(this.fake.api().flows().calls()).anySatisfy((call) -> assertThat(call.body())
			.contains("\"friendlyId\":\"" + RealtimeDemo.FLOW + "\"", "\"email\":\"ada@example.com\""));
	}

	@Test
	void whenAnAnonymousVisitorComesBackThenTheFlowRunsForItsBrowserRef() throws Exception {
		// Sitecore answers browser/create late: the first page is built before the visitor has
		// a ref, whatever the machine's speed (a fast worker made the first page a decision).
		this.fake.api().streams().delay(Duration.ofSeconds(1));
		HttpResponse<String> first = welcome("", "visitor-anon");
		this.fake.api().streams().delay(Duration.ZERO);
		assertThat(first.body()).contains("\"offer\":\"" + RealtimeDemo.FALLBACK.title() + "\"",
				"\"source\":\"fallback: no browser ref yet\"");
		String ref = browserRef("visitor-anon");
		HttpResponse<String> second = welcome("", "visitor-anon");
		assertThat(second.body()).contains("\"source\":\"decision\"");
		assertThat(this.events.flush(Duration.ofSeconds(10)).completed()).isTrue();
		assertThat(this.fake.api().streams().events(ref)).hasSize(2)
			.allSatisfy((view) -> assertThat(view).contains("\"type\":\"VIEW\""));
		assertThat(this.fake.api().flows().calls())
			.anySatisfy((call) -> assertThat(call.body()).contains("\"browserId\":\"" + ref + "\""));
	}

	@Test
	void whenTheFlowFailsThenThePageShowsTheFallbackAndTheEventsStillArrive() throws Exception {
		// 503 is retried once at once: two failures give the fallback.
		this.fake.api().flows().failNext(RealtimeDemo.FLOW, 2, 503);
		HttpResponse<String> page = welcome("?email=bob@example.com", "visitor-bob");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("\"offer\":\"" + RealtimeDemo.FALLBACK.title() + "\"",
				"\"source\":\"fallback: UNAVAILABLE\"");
		assertThat(this.fake.api().streams().events(browserRef("visitor-bob"))).hasSize(2);
	}

}

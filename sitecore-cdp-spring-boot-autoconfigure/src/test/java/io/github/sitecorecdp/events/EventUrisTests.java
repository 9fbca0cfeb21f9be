package io.github.sitecorecdp.events;

import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Stream API addresses built once are those the URI template gave for every event.
 */
class EventUrisTests {

	private static final URI BASE_URL = URI.create("https://api-engage-eu.sitecorecloud.io");

	private static final String CLIENT_KEY = "key with spaces&=/+";

	@Test
	void whenAMessageHasReservedAndNonAsciiCharactersThenTheEventAddressIsTheTemplates() {
		EventUris uris = new EventUris(BASE_URL, CLIENT_KEY);
		String message = "{\"type\":\"VIEW\",\"page\":\"/a b?c=d&e=f#g\",\"ext\":{\"name\":\"Zoë 🚀 100% + ~_.-\\\"'\"}}";
		URI built = URI.create(uris.eventCreate(message));
		assertThat(built).hasToString(EventUris.build(BASE_URL, "/v1.2/event/create.json", CLIENT_KEY, message).toString());
		assertThat(built.getRawQuery()).contains("message=%7B%22type%22").doesNotContain(" ").doesNotContain("+ ");
	}

	@Test
	void whenTheMessageHoldsEveryCharacterUpToU0800ThenTheEventAddressIsTheTemplates() {
		// One, two and three bytes in UTF-8, every one of the first 2048 code points.
		StringBuilder message = new StringBuilder();
		for (char c = 0; c < 0x800; c++) {
			message.append(c);
		}
		message.append("\uFFFD\uD83D\uDE80");
		EventUris uris = new EventUris(BASE_URL, CLIENT_KEY);
		assertThat(uris.eventCreate(message.toString())).isEqualTo(
				EventUris.build(BASE_URL, "/v1.2/event/create.json", CLIENT_KEY, message.toString()).toString());
	}

	@Test
	void whenTheBaseUrlHasAPathThenTheEventAddressKeepsIt() {
		URI baseUrl = URI.create("http://127.0.0.1:8080/stream");
		EventUris uris = new EventUris(baseUrl, "k");
		assertThat(uris.eventCreate("{}"))
			.isEqualTo(EventUris.build(baseUrl, "/v1.2/event/create.json", "k", "{}").toString());
		assertThat(uris.browserCreate())
			.isEqualTo(EventUris.build(baseUrl, "/v1.2/browser/create.json", "k", "{}").toString());
	}

	@Test
	void whenTheBaseUrlHasAQueryAndAFragmentThenTheMessageStillEndsTheEventAddress() {
		URI baseUrl = URI.create("http://127.0.0.1:8080/stream?tenant=a#top");
		URI built = URI.create(new EventUris(baseUrl, "k").eventCreate("{\"a\":1}"));
		assertThat(built.getFragment()).isNull();
		assertThat(built.getRawQuery()).isEqualTo("tenant=a&client_key=k&message=%7B%22a%22%3A1%7D");
	}

}

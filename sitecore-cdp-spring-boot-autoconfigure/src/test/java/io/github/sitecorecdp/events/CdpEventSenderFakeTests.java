package io.github.sitecorecdp.events;

import java.time.Duration;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpEventsAutoConfiguration;
import io.github.sitecorecdp.fake.FakeBatches;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.fake.FakeStreamApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configured sender against the fake's Stream API: VIEW and IDENTITY recorded in
 * order under one browser ref, a wrong point of sale flagged as Sitecore's silent drop.
 */
class CdpEventSenderFakeTests {

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private final FakeStreamApi streams = this.cdp.api().streams();

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	private ApplicationContextRunner contextRunner(String pointOfSale) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(SitecoreCdpAutoConfiguration.class, SitecoreCdpEventsAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret",
					"sitecore.cdp.base-url=" + this.cdp.baseUrl(),
					"sitecore.cdp.realtime.client-key=" + FakeBatches.CLIENT_KEY,
					"sitecore.cdp.realtime.point-of-sale=" + pointOfSale, "sitecore.cdp.realtime.currency=EUR",
					"sitecore.cdp.retry.initial-backoff=5ms", "sitecore.cdp.retry.max-backoff=20ms");
	}

	@Test
	void whenAVisitorViewsAndLogsInThenTheFakeRecordsBothInOrderUnderOneBrowserRef() {
		contextRunner(FakeStreamApi.POINT_OF_SALE).run((context) -> {
			CdpEventSender sender = context.getBean(CdpEventSender.class);
			sender.send("session-1", CdpEvent.view("/home"));
			sender.send("session-1", CdpEvent.identity("/login", Identifier.of("ada@example.com", "email")));
			assertThat(sender.flush(Duration.ofSeconds(10)).completed()).isTrue();
			assertThat(this.streams.events("fake-browser-1")).satisfiesExactly(
					(view) -> assertThat(view).contains("\"type\":\"VIEW\""),
					(identity) -> assertThat(identity).contains("\"type\":\"IDENTITY\"", "ada@example.com"));
			assertThat(this.streams.dropped()).isEmpty();
		});
	}

	@Test
	void whenThePointOfSaleIsWrongThenSitecoreAnswers201AndTheFakeFlagsTheDrop() {
		contextRunner("typo-pos").run((context) -> {
			CdpEventSender sender = context.getBean(CdpEventSender.class);
			sender.send("session-1", CdpEvent.view("/home"));
			assertThat(sender.flush(Duration.ofSeconds(10)).completed()).isTrue();
			assertThat(sender.sentCount()).isOne();
			assertThat(this.streams.allEvents()).isEmpty();
			assertThat(this.streams.dropped()).singleElement().asString().contains("\"pos\":\"typo-pos\"");
		});
	}

	@Test
	void whenTheFakeAnswers429WithRetryAfterThenTheEventArrivesOnce() {
		this.streams.tooManyRequests(Duration.ofSeconds(1));
		contextRunner(FakeStreamApi.POINT_OF_SALE).run((context) -> {
			CdpEventSender sender = context.getBean(CdpEventSender.class);
			sender.send("session-1", CdpEvent.view("/home"));
			assertThat(sender.flush(Duration.ofSeconds(10)).completed()).isTrue();
			assertThat(this.streams.eventRequests()).isEqualTo(2);
			assertThat(this.streams.allEvents()).hasSize(1);
		});
	}

	@Test
	void whenSitecoreForgetsAVisitorsBrowserRefThenTheSenderCreatesANewOneAndTheEventArrives() {
		contextRunner(FakeStreamApi.POINT_OF_SALE).run((context) -> {
			CdpEventSender sender = context.getBean(CdpEventSender.class);
			sender.send("session-1", CdpEvent.view("/home"));
			assertThat(sender.flush(Duration.ofSeconds(10)).completed()).isTrue();
			this.streams.forgetBrowser("fake-browser-1");
			sender.send("session-1", CdpEvent.view("/cart"));
			sender.send("session-1", CdpEvent.view("/checkout"));
			assertThat(sender.flush(Duration.ofSeconds(10)).completed()).isTrue();
			// One 404 for the forgotten ref, then the event again under a new one, and the next after it.
			assertThat(this.streams.eventRequests()).isEqualTo(4);
			assertThat(this.streams.events("fake-browser-1")).singleElement().asString().contains("/home");
			assertThat(this.streams.events("fake-browser-2")).satisfiesExactly(
					(cart) -> assertThat(cart).contains("\"page\":\"/cart\""),
					(checkout) -> assertThat(checkout).contains("\"page\":\"/checkout\""));
			assertThat(sender.sentCount()).isEqualTo(3);
			assertThat(sender.failedCount()).isZero();
		});
	}

}

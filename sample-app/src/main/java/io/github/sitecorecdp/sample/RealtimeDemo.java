package io.github.sitecorecdp.sample;

import java.util.Map;
import java.util.UUID;

import io.github.sitecorecdp.events.BrowserRefStore;
import io.github.sitecorecdp.events.CdpEvent;
import io.github.sitecorecdp.events.CdpEventSender;
import io.github.sitecorecdp.events.Identifier;
import io.github.sitecorecdp.flows.FlowClient;
import io.github.sitecorecdp.flows.FlowIdentity;
import reactor.core.publisher.Mono;

import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * The real-time demo ({@code --serve}): {@code GET /welcome} sends the visitor's VIEW, and
 * IDENTITY when an e-mail address is given, from the server, then renders the decision of
 * the {@value #FLOW} flow, or its fallback. Sending never delays the page: events are
 * enqueued and sent after it is answered.
 *
 * @author sitecore-cdp-spring-boot
 */
@RestController
@Profile(SampleApplication.SERVE)
@RegisterReflectionForBinding({ RealtimeDemo.Offer.class, RealtimeDemo.WelcomePage.class })
class RealtimeDemo {

	static final String FLOW = "welcome_offer";

	static final String VISITOR_COOKIE = "sample-visitor";

	static final Offer FALLBACK = new Offer("Welcome to our shop");

	private final CdpEventSender events;

	private final BrowserRefStore browserRefs;

	private final FlowClient flows;

	RealtimeDemo(CdpEventSender events, BrowserRefStore browserRefs, FlowClient flows) {
		this.events = events;
		this.browserRefs = browserRefs;
		this.flows = flows;
	}

	@GetMapping("/welcome")
	Mono<WelcomePage> welcome(@RequestParam(name = "email", required = false) String email,
			ServerWebExchange exchange) {
		String visitor = visitorKey(exchange);
		boolean identified = email != null && !email.isBlank();
		this.events.send(visitor, CdpEvent.view("/welcome"));
		if (identified) {
			this.events.send(visitor,
					CdpEvent.identity("/welcome", Identifier.of(email, "email")).with("email", email));
		}
		FlowIdentity identity;
		if (identified) {
			identity = FlowIdentity.ofEmail(email);
		}
		else {
			// The browser ref is created by the sender's first call for this visitor, after
			// the first page was answered: a first anonymous visit has none yet.
			String browserRef = this.browserRefs.find(visitor);
			if (browserRef == null) {
				return Mono.just(new WelcomePage(visitor, FALLBACK.title(), "fallback: no browser ref yet"));
			}
			identity = FlowIdentity.ofBrowser(browserRef);
		}
		return this.flows.execute(FLOW, identity, Map.of("page", "welcome"), Offer.class)
			.map((result) -> new WelcomePage(visitor, result.orElse(FALLBACK).title(),
					result.hasDecision() ? "decision" : "fallback: " + result.reason()));
	}

	@EventListener
	void ready(ApplicationReadyEvent event) {
		String port = event.getApplicationContext().getEnvironment().getProperty("local.server.port", "8080");
		System.out.println("Serving the real-time demo: http://localhost:" + port + "/welcome?email=ada@example.com");
	}

	private static String visitorKey(ServerWebExchange exchange) {
		HttpCookie cookie = exchange.getRequest().getCookies().getFirst(VISITOR_COOKIE);
		if (cookie != null && !cookie.getValue().isBlank()) {
			return cookie.getValue();
		}
		String visitor = UUID.randomUUID().toString();
		exchange.getResponse().addCookie(ResponseCookie.from(VISITOR_COOKIE, visitor).path("/").httpOnly(true).build());
		return visitor;
	}

	/**
	 * The flow's decision, as the page reads it.
	 *
	 * @param title the offer's title
	 */
	record Offer(String title) {

	}

	/**
	 * The page: who the visitor is, the offer shown, and where it came from.
	 *
	 * @param visitor the visitor key (the cookie's value)
	 * @param offer the offer's title
	 * @param source {@code decision}, or {@code fallback: } and why
	 */
	record WelcomePage(String visitor, String offer, String source) {

	}

}

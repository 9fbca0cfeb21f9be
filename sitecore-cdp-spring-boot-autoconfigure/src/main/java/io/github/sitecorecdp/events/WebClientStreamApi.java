package io.github.sitecorecdp.events;

import java.net.URI;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * The Stream API through a {@link WebClient} the application gives: its filters,
 * observations and connector apply to every call.
 *
 * @author sitecore-cdp-spring-boot
 */
final class WebClientStreamApi implements StreamApi {

	private final WebClient webClient;

	WebClientStreamApi(WebClient webClient) {
		this.webClient = webClient;
	}

	@Override
	public Mono<Void> send(String uri) {
		return Mono.defer(() -> this.webClient.get().uri(URI.create(uri)).retrieve().toBodilessEntity().then());
	}

	@Override
	public Mono<String> read(String uri) {
		return Mono.defer(() -> this.webClient.get().uri(URI.create(uri)).retrieve().bodyToMono(String.class));
	}

}

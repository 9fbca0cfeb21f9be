package io.github.sitecorecdp.events;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * How the sender reaches the Stream API: one {@code GET} of an address it built as text
 * ({@link EventUris}). Any answer but {@code 2xx} fails as a
 * {@link WebClientResponseException} (its subclass per status, with the answer's headers,
 * so that {@code Retry-After} is read), a call that got no answer as a
 * {@link WebClientRequestException}: the failures the retry policy and the sender tell
 * apart, whichever client made the call.
 *
 * @author sitecore-cdp-spring-boot
 */
interface StreamApi {

	/**
	 * Make a call whose answer matters only by its status ({@code event/create}).
	 * @param uri the address
	 * @return the call, complete on a {@code 2xx}
	 */
	Mono<Void> send(String uri);

	/**
	 * Make a call and read its answer ({@code browser/create}).
	 * @param uri the address
	 * @return the answer's body, empty when it had none
	 */
	Mono<String> read(String uri);

}

package io.github.sitecorecdp.autoconfigure;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import io.github.sitecorecdp.token.CdpAccessTokenManager;

import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * The clients of every registration, by name: {@code default} for the one of
 * {@code sitecore.cdp.api-key} (the same {@code cdpWebClient}, {@code cdpRestClient} and
 * token manager as the beans), and the names under {@code sitecore.cdp.clients}. Each
 * registration has its own token, sent only to its own API; one being down or refused
 * never touches another. Clients are built on first use, from Boot's builders.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CdpClients {

	/** Name of the registration of {@code sitecore.cdp.api-key}. */
	public static final String DEFAULT = CdpRegistration.DEFAULT_NAME;

	private final Map<String, Entry> entries;

	CdpClients(List<Entry> entries) {
		Map<String, Entry> byName = new LinkedHashMap<>();
		entries.forEach((entry) -> byName.put(entry.registration().name(), entry));
		this.entries = Collections.unmodifiableMap(byName);
	}

	/**
	 * Return the names of the registrations, the default one first when it exists.
	 * @return the names
	 */
	public Set<String> names() {
		return this.entries.keySet();
	}

	/**
	 * Return the {@code WebClient} of a registration: its base URL, its token.
	 * @param name the registration
	 * @return the client
	 * @throws IllegalArgumentException if there is no such registration
	 */
	public WebClient webClient(String name) {
		return entry(name).webClient().get();
	}

	/**
	 * Return the {@code RestClient} of a registration: its base URL, its token.
	 * @param name the registration
	 * @return the client
	 * @throws IllegalArgumentException if there is no such registration
	 */
	public RestClient restClient(String name) {
		return entry(name).restClient().get();
	}

	/**
	 * Return the token manager of a registration.
	 * @param name the registration
	 * @return the token manager
	 * @throws IllegalArgumentException if there is no such registration
	 */
	public CdpAccessTokenManager tokenManager(String name) {
		return entry(name).tokenManager().get();
	}

	/**
	 * Return the base URL of a registration's API, the only host its token goes to.
	 * @param name the registration
	 * @return the base URL
	 * @throws IllegalArgumentException if there is no such registration
	 */
	public URI baseUrl(String name) {
		return entry(name).registration().baseUrl();
	}

	/**
	 * Create a client of an {@code @HttpExchange} interface on a registration's
	 * {@code RestClient}: its base URL and token. On Spring Boot 4, an HTTP service group
	 * named like the registration does the same with no code.
	 * @param <S> the interface
	 * @param name the registration
	 * @param type the interface
	 * @return the client
	 * @throws IllegalArgumentException if there is no such registration
	 */
	public <S> S httpService(String name, Class<S> type) {
		return HttpServiceProxyFactory.builderFor(RestClientAdapter.create(restClient(name))).build().createClient(type);
	}

	@Override
	public String toString() {
		return "CdpClients" + this.entries.keySet();
	}

	Optional<Entry> find(String name) {
		return Optional.ofNullable(this.entries.get(name));
	}

	private Entry entry(String name) {
		Entry entry = this.entries.get(name);
		if (entry == null) {
			throw new IllegalArgumentException("No Sitecore CDP registration named '" + name + "'; there are "
					+ this.entries.keySet() + " (sitecore.cdp.api-key is '" + DEFAULT
					+ "', the others are configured under sitecore.cdp.clients.<name>)");
		}
		return entry;
	}

	/**
	 * One registration's clients, each made on first use.
	 */
	record Entry(CdpRegistration registration, Supplier<CdpAccessTokenManager> tokenManager,
			Supplier<WebClient> webClient, Supplier<RestClient> restClient) {

		static Entry of(CdpRegistration registration, Supplier<CdpAccessTokenManager> tokenManager,
				Supplier<WebClient> webClient, Supplier<RestClient> restClient) {
			return new Entry(registration, SingletonSupplier.of(tokenManager), SingletonSupplier.of(webClient),
					SingletonSupplier.of(restClient));
		}

	}

}

package io.github.sitecorecdp.autoconfigure;

import java.util.List;
import java.util.Optional;

import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;
import org.springframework.web.service.registry.HttpServiceGroupConfigurer;

/**
 * Spring Framework 7's HTTP service registry (Spring Boot 4): an HTTP service group named
 * like a named registration ({@code @ImportHttpServices(group = "personalize", ...)})
 * gets that registration's base URL and token, for {@code RestClient} and
 * {@code WebClient} groups alike. Other groups are left as they are, the default group
 * among them: a registration cannot be named {@code default}, so an application's own
 * ungrouped interfaces never receive a token.
 *
 * <p>
 * Runs after Spring Boot's configurers of {@code spring.http.serviceclient.<group>.*}
 * (ordered first), so a registration's group takes its base URL and connection settings
 * from the registration.
 *
 * @author sitecore-cdp-spring-boot
 */
final class CdpHttpServiceGroups {

	private final CdpClients clients;

	private final CdpRegistrationClients registrationClients;

	CdpHttpServiceGroups(CdpClients clients, CdpRegistrationClients registrationClients) {
		this.clients = clients;
		this.registrationClients = registrationClients;
	}

	RestClientHttpServiceGroupConfigurer restClientGroups() {
		return (groups) -> configure(groups, (entry, builder) -> {
			this.registrationClients.configure(builder, entry.registration(), entry.tokenManager().get());
			this.registrationClients.observe(builder);
		});
	}

	WebClientHttpServiceGroupConfigurer webClientGroups() {
		return (groups) -> configure(groups, (entry, builder) -> {
			this.registrationClients.configure(builder, entry.registration(), entry.tokenManager().get());
			this.registrationClients.observe(builder);
		});
	}

	private <B> void configure(HttpServiceGroupConfigurer.Groups<B> groups, Configurer<B> configurer) {
		List<String> named = this.clients.names().stream().filter((name) -> !name.equals(CdpClients.DEFAULT)).toList();
		if (named.isEmpty()) {
			return;
		}
		HttpServiceGroupConfigurer.ClientCallback<B> callback = (group, builder) -> {
			Optional<CdpClients.Entry> entry = this.clients.find(group.name());
			entry.ifPresent((found) -> configurer.configure(found, builder));
		};
		groups.filterByName(named.toArray(String[]::new)).forEachClient(callback);
	}

	@FunctionalInterface
	private interface Configurer<B> {

		void configure(CdpClients.Entry entry, B builder);

	}

}

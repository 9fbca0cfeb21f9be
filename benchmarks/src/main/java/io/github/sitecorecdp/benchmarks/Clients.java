package io.github.sitecorecdp.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.github.sitecorecdp.events.CdpEvent;
import io.github.sitecorecdp.events.CdpEventSender;
import io.github.sitecorecdp.flows.FlowClient;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientCredentialsOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.ClientCredentialsReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The three clients compared, all against one {@link BenchServer}.
 */
final class Clients {

	private Clients() {
	}

	/**
	 * The same connection settings as the starter's API clients (its default timeouts), so
	 * that the three clients differ only in their token handling.
	 */
	static ReactorClientHttpConnector connector() {
		return new ReactorClientHttpConnector(HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
			.responseTimeout(Duration.ofSeconds(30)));
	}

	/** The request factory of the starter's RestClient, with its default timeouts. */
	static ReactorClientHttpRequestFactory requestFactory() {
		return new ReactorClientHttpRequestFactory(HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
			.responseTimeout(Duration.ofSeconds(30)));
	}

	/** The RestClient limit: a static bearer header on the same request factory. */
	static RestClient restLimit(BenchServer server) {
		return restLimit(server.baseUrl());
	}

	/** The RestClient limit against the given API. */
	static RestClient restLimit(String apiBaseUrl) {
		return RestClient.builder()
			.requestFactory(requestFactory())
			.baseUrl(apiBaseUrl)
			.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + BenchServer.STATIC_TOKEN)
			// The starter's clients send this too: the same request on the wire.
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.build();
	}

	/**
	 * Spring Security's servlet recipe by the book: the stock interceptor over the
	 * authorized-client-service manager, client_secret_post, audience through a
	 * parameters converter.
	 */
	static RestClient restStock(BenchServer server) {
		return restStock(server, server.baseUrl());
	}

	/** Spring Security's RestClient recipe, tokens from the given server, calls to the given API. */
	static RestClient restStock(BenchServer server, String apiBaseUrl) {
		ClientRegistration registration = registration(server);
		InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration);
		RestClientClientCredentialsTokenResponseClient tokenClient = new RestClientClientCredentialsTokenResponseClient();
		tokenClient.addParametersConverter((request) -> {
			LinkedMultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
			parameters.add("audience", "https://api.sitecorecloud.io");
			return parameters;
		});
		ClientCredentialsOAuth2AuthorizedClientProvider provider = new ClientCredentialsOAuth2AuthorizedClientProvider();
		provider.setAccessTokenResponseClient(tokenClient);
		AuthorizedClientServiceOAuth2AuthorizedClientManager manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(
				registrations, new InMemoryOAuth2AuthorizedClientService(registrations));
		manager.setAuthorizedClientProvider(provider);
		OAuth2ClientHttpRequestInterceptor interceptor = new OAuth2ClientHttpRequestInterceptor(manager);
		interceptor.setClientRegistrationIdResolver((request) -> "sitecore-cdp");
		return RestClient.builder()
			.requestFactory(requestFactory())
			.baseUrl(apiBaseUrl)
			.requestInterceptor(interceptor)
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.build();
	}

	private static ClientRegistration registration(BenchServer server) {
		return ClientRegistration.withRegistrationId("sitecore-cdp")
			.clientId("bench-key")
			.clientSecret("bench-secret")
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.tokenUri(server.tokenUri().toString())
			.build();
	}

	/** The limit: a static bearer header, no token work at all per request. */
	static WebClient limit(BenchServer server) {
		return limit(server.baseUrl());
	}

	/** The limit against the given API. */
	static WebClient limit(String apiBaseUrl) {
		return WebClient.builder()
			.clientConnector(connector())
			.baseUrl(apiBaseUrl)
			.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + BenchServer.STATIC_TOKEN)
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.build();
	}

	/**
	 * Spring Security's recipe by the book: the stock exchange filter over the
	 * authorized-client-service manager, client_secret_post, audience through a
	 * parameters converter.
	 */
	static WebClient stock(BenchServer server, Clock clock) {
		return stock(server, server.baseUrl(), clock);
	}

	/** Spring Security's WebClient recipe, tokens from the given server, calls to the given API. */
	static WebClient stock(BenchServer server, String apiBaseUrl, Clock clock) {
		ClientRegistration registration = registration(server);
		InMemoryReactiveClientRegistrationRepository registrations = new InMemoryReactiveClientRegistrationRepository(
				registration);
		WebClientReactiveClientCredentialsTokenResponseClient tokenClient = new WebClientReactiveClientCredentialsTokenResponseClient();
		tokenClient.addParametersConverter((request) -> {
			LinkedMultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
			parameters.add("audience", "https://api.sitecorecloud.io");
			return parameters;
		});
		ClientCredentialsReactiveOAuth2AuthorizedClientProvider provider = new ClientCredentialsReactiveOAuth2AuthorizedClientProvider();
		provider.setAccessTokenResponseClient(tokenClient);
		provider.setClock(clock);
		AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(
				registrations, new InMemoryReactiveOAuth2AuthorizedClientService(registrations));
		manager.setAuthorizedClientProvider(provider);
		ServerOAuth2AuthorizedClientExchangeFilterFunction filter = new ServerOAuth2AuthorizedClientExchangeFilterFunction(
				manager);
		filter.setDefaultClientRegistrationId("sitecore-cdp");
		return WebClient.builder()
			.clientConnector(connector())
			.baseUrl(apiBaseUrl)
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.filter(filter)
			.build();
	}

	/** Ours: the starter's beans, from a real (non-web) Spring Boot application. */
	static Ours ours(BenchServer server) {
		return ours(server, null);
	}

	/**
	 * Ours, with the given clock as the starter's {@code sitecoreCdpClock}, or the system
	 * clock when {@code null}.
	 */
	static Ours ours(BenchServer server, Clock clock) {
		return ours(server, server.baseUrl(), clock);
	}

	/** Ours, tokens from the given server, calls to the given API. */
	static Ours ours(BenchServer server, String apiBaseUrl, Clock clock) {
		SpringApplicationBuilder builder = application(true).properties(Map.of("sitecore.cdp.api-key", "bench-key",
				"sitecore.cdp.api-secret", "bench-secret", "sitecore.cdp.token-uri", server.tokenUri().toString(),
				"sitecore.cdp.base-url", apiBaseUrl, "logging.level.root", "warn"));
		if (clock != null) {
			builder.initializers((context) -> context.getBeanFactory().registerSingleton("sitecoreCdpClock", clock));
		}
		ConfigurableApplicationContext context = builder.run();
		return new Ours(context, context.getBean("cdpWebClient", WebClient.class),
				context.getBean("cdpRestClient", RestClient.class), context.getBean(CdpAccessTokenManager.class));
	}

	/** The client key the real-time clients send (the bench server takes any). */
	static final String CLIENT_KEY = "bench-client-key";

	/** The point of sale the real-time clients send. */
	static final String POINT_OF_SALE = "bench.example";

	/**
	 * The starter's real-time clients ({@code cdpEventSender} and the flow client) from the
	 * same application as {@link #ours}, with a point of sale set: the Stream API and
	 * Personalize are the bench server's.
	 * @param server the bench server
	 * @param properties further properties, overriding the starter's defaults
	 */
	static Realtime realtime(BenchServer server, Map<String, String> properties) {
		Map<String, Object> all = new HashMap<>(Map.of("sitecore.cdp.api-key", "bench-key", "sitecore.cdp.api-secret",
				"bench-secret", "sitecore.cdp.token-uri", server.tokenUri().toString(), "sitecore.cdp.base-url",
				server.baseUrl(), "sitecore.cdp.realtime.client-key", CLIENT_KEY,
				"sitecore.cdp.realtime.point-of-sale", POINT_OF_SALE, "sitecore.cdp.realtime.currency", "EUR",
				"logging.level.root", "warn"));
		all.putAll(properties);
		ConfigurableApplicationContext context = application(true).properties(all).run();
		return new Realtime(context, context.getBean(CdpEventSender.class), context.getBean(FlowClient.class));
	}

	/**
	 * The event every real-time benchmark sends: a page view with a referrer, as in the
	 * events guide. Built anew per call where the application would build it per request.
	 */
	static CdpEvent pageView() {
		return CdpEvent.view("/products/42").with("referrer", "https://search.example/?q=shoes");
	}

	/** Visitor keys ({@code visitor-0} ...), as an application's session ids. */
	static String[] visitors(int count) {
		String[] keys = new String[count];
		for (int i = 0; i < count; i++) {
			keys[i] = "visitor-" + i;
		}
		return keys;
	}

	/**
	 * The application of the startup measurements (5), configured against the given
	 * server, quiet below WARN.
	 */
	static SpringApplicationBuilder application(boolean withStarter, BenchServer server) {
		return application(withStarter).properties("sitecore.cdp.api-key=bench-key",
				"sitecore.cdp.api-secret=bench-secret", "sitecore.cdp.token-uri=" + server.tokenUri(),
				"sitecore.cdp.base-url=" + server.baseUrl(), "logging.level.root=warn");
	}

	/**
	 * The same small application, with or without the starter's auto-configuration.
	 */
	static SpringApplicationBuilder application(boolean withStarter) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(BenchApplication.class)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.bannerMode(org.springframework.boot.Banner.Mode.OFF);
		if (!withStarter) {
			builder.properties("spring.autoconfigure.exclude=io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration,"
					+ "io.github.sitecorecdp.autoconfigure.SitecoreCdpActuatorAutoConfiguration");
		}
		return builder;
	}

	static String call(WebClient client) {
		return client.get().uri("/api").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(30));
	}

	record Ours(ConfigurableApplicationContext context, WebClient client, RestClient restClient,
			CdpAccessTokenManager tokenManager)
			implements AutoCloseable {

		@Override
		public void close() {
			SpringApplication.exit(this.context);
		}

	}

	record Realtime(ConfigurableApplicationContext context, CdpEventSender sender,
			FlowClient flows) implements AutoCloseable {

		@Override
		public void close() {
			SpringApplication.exit(this.context);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class BenchApplication {

	}

}

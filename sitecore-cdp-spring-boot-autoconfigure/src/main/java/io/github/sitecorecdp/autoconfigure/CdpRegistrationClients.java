package io.github.sitecorecdp.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.CdpTokenListener;
import io.github.sitecorecdp.token.CdpTokenListenerFactory;
import io.github.sitecorecdp.token.CdpTokenSource;
import io.github.sitecorecdp.token.CdpTokenStore;
import io.github.sitecorecdp.web.CdpBearerClientHttpConnector;
import io.github.sitecorecdp.web.CdpBearerClientHttpRequestFactory;
import io.github.sitecorecdp.web.CdpBearerProtocol;
import io.github.sitecorecdp.web.CdpHost;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.codec.ByteArrayDecoder;
import org.springframework.core.codec.ByteArrayEncoder;
import org.springframework.core.codec.CharSequenceEncoder;
import org.springframework.core.codec.DataBufferDecoder;
import org.springframework.core.codec.DataBufferEncoder;
import org.springframework.core.codec.StringDecoder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.CodecConfigurer;
import org.springframework.http.codec.FormHttpMessageWriter;
import org.springframework.http.codec.ResourceHttpMessageWriter;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ExchangeStrategies;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Builds what each registration gets: its token manager, and the {@code WebClient} and
 * {@code RestClient} that send its token to its API, from Boot's builders. The default
 * registration's beans and every named registration are built the same way.
 *
 * @author sitecore-cdp-spring-boot
 */
final class CdpRegistrationClients {

	private static final Log logger = LogFactory.getLog(CdpRegistrationClients.class);

	private static final ExchangeStrategies PLAIN_STRATEGIES = plainStrategies();

	private final CdpHttpClients httpClients;

	private final ObjectProvider<CdpTokenListener> listeners;

	private final ObjectProvider<CdpTokenListenerFactory> listenerFactories;

	private final Clock clock;

	private final ObjectProvider<WebClient.Builder> webClientBuilder;

	private final ObjectProvider<RestClient.Builder> restClientBuilder;

	private final ObjectProvider<CdpTokenStore> tokenStore;

	private final ObjectProvider<ObservationRegistry> observationRegistry;

	CdpRegistrationClients(CdpHttpClients httpClients, ObjectProvider<CdpTokenListener> listeners,
			ObjectProvider<CdpTokenListenerFactory> listenerFactories, Clock clock,
			ObjectProvider<WebClient.Builder> webClientBuilder, ObjectProvider<RestClient.Builder> restClientBuilder,
			ObjectProvider<CdpTokenStore> tokenStore, ObjectProvider<ObservationRegistry> observationRegistry) {
		this.httpClients = httpClients;
		this.listeners = listeners;
		this.listenerFactories = listenerFactories;
		this.clock = clock;
		this.webClientBuilder = webClientBuilder;
		this.restClientBuilder = restClientBuilder;
		this.tokenStore = tokenStore;
		this.observationRegistry = observationRegistry;
	}

	Clock clock() {
		return this.clock;
	}

	CdpAccessTokenManager tokenManager(CdpRegistration registration) {
		// A plain WebClient: never Boot's builder, whose customizers and filters are the
		// application's, and never with the bearer connector.
		WebClient tokenWebClient = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(this.httpClients.tokenClient(registration)))
			.exchangeStrategies(PLAIN_STRATEGIES)
			.build();
		CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient(registration.propertyNames(),
				registration.apiKey(), registration.apiSecret(), registration.tokenUri(), registration.audience(),
				tokenWebClient, registration.tokenConnectTimeout().plus(registration.tokenResponseTimeout()),
				this.clock);
		// The manager reports to listeners made before it exists: they reach it through this.
		AtomicReference<CdpAccessTokenManager> self = new AtomicReference<>();
		List<CdpTokenListener> all = new ArrayList<>(this.listeners.orderedStream().toList());
		this.listenerFactories.orderedStream()
			.forEach((factory) -> all.add(factory.listenerFor(registration.name(), self::get)));
		CdpTokenStore store = this.tokenStore.getIfAvailable();
		CdpTokenSource source = (store != null) ? store.sourceFor(new CdpTokenStore.Registration(registration.label(),
				registration.apiKey(), registration.apiSecret(), registration.audience(), registration.tokenUri()),
				endpoint, registration.policy()) : endpoint;
		logger.info(registration.label() + " client for " + registration.baseUrl() + ", access tokens from "
				+ registration.tokenUri() + ((store != null) ? ", shared through " + store : ""));
		CdpAccessTokenManager manager = new CdpAccessTokenManager(registration.label(), source,
				registration.policy(), this.clock, new CompositeCdpTokenListener(all));
		self.set(manager);
		return manager;
	}

	WebClient webClient(CdpRegistration registration, CdpAccessTokenManager tokenManager) {
		// configure(..) sets the connector and codecs: a plain clone of Boot's builder is enough.
		WebClient.Builder builder = webClientBuilder();
		configure(builder, registration, tokenManager);
		return builder.build();
	}

	/**
	 * Return a builder of Boot's that sends no token, on the connection settings of
	 * {@code sitecore.cdp.*}, for the clients that need no registration (Basic auth).
	 * @return a builder of its own
	 */
	WebClient.Builder apiWebClientBuilder() {
		return apiWebClientBuilder(this.httpClients.apiClient());
	}

	/**
	 * Return Reactor Netty's client on the connection settings of {@code sitecore.cdp.*}
	 * (proxy, TLS bundle, timeouts), with none of the application's builders, customizers,
	 * filters or observations: for the Stream API, whose addresses carry the events.
	 * @return the client
	 */
	reactor.netty.http.client.HttpClient apiHttpClient() {
		return this.httpClients.apiClient();
	}

	/**
	 * Return a client of none of the application's builders, customizers or filters, on
	 * the connection settings of {@code sitecore.cdp.*}: for presigned storage URLs, which
	 * must receive nothing the application adds to its requests (an Authorization header
	 * breaks the signature; a tracing filter would record the signed URL).
	 * @return the client
	 */
	WebClient plainWebClient() {
		return WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(this.httpClients.apiClient()))
			.exchangeStrategies(PLAIN_STRATEGIES)
			.build();
	}

	/**
	 * The codecs of the plain clients (token calls, presigned storage URLs), which write
	 * forms, files and bytes and read bytes only: the token answer is parsed from its bytes
	 * ({@code TokenResponseBodyExtractor}), files are streamed as buffers, and an error's
	 * body is kept as bytes. Spring's defaults would add JSON and other object codecs, each
	 * of which looks up Jackson's modules on the class path when it is made: made for every
	 * client built, that was most of the time the starter added to an application's start
	 * ({@code StartupSteps}). Built once, since exchange strategies never change. Request
	 * details are never logged, as by default: these requests carry the API secret or a
	 * signed URL.
	 */
	private static ExchangeStrategies plainStrategies() {
		return ExchangeStrategies.builder().codecs((codecs) -> {
			codecs.registerDefaults(false);
			CodecConfigurer.CustomCodecs custom = codecs.customCodecs();
			custom.registerWithDefaultConfig(new ByteArrayDecoder());
			custom.registerWithDefaultConfig(new ByteArrayEncoder());
			custom.registerWithDefaultConfig(new DataBufferDecoder());
			custom.registerWithDefaultConfig(new DataBufferEncoder());
			custom.registerWithDefaultConfig(StringDecoder.allMimeTypes());
			custom.registerWithDefaultConfig(CharSequenceEncoder.allMimeTypes());
			custom.registerWithDefaultConfig(new ResourceHttpMessageWriter());
			custom.registerWithDefaultConfig(new FormHttpMessageWriter());
		}).build();
	}

	private WebClient.Builder apiWebClientBuilder(reactor.netty.http.client.HttpClient httpClient) {
		return webClientBuilder().clientConnector(new ReactorClientHttpConnector(httpClient))
			// spring.codec.log-request-details=true would log the Authorization header at
			// TRACE; the bearer token must never be logged, so it stays off here.
			.codecs((codecs) -> codecs.defaultCodecs().enableLoggingRequestDetails(false));
	}

	RestClient restClient(CdpRegistration registration, CdpAccessTokenManager tokenManager) {
		RestClient.Builder builder = restClientBuilder();
		configure(builder, registration, tokenManager);
		return builder.build();
	}

	/**
	 * Return a builder of the application's own: Boot's, with its customizations and
	 * observations, when there is one. Boot's builder is a prototype, but a user's may be a
	 * singleton: cloned either way.
	 */
	private WebClient.Builder webClientBuilder() {
		WebClient.Builder builder = this.webClientBuilder.getIfAvailable();
		if (builder != null) {
			return builder.clone();
		}
		// No builder bean: Boot 4 without spring-boot-webclient. The application's
		// observation registry (actuator's) still records http.client.requests.
		WebClient.Builder plain = WebClient.builder();
		this.observationRegistry.ifAvailable(plain::observationRegistry);
		return plain;
	}

	private RestClient.Builder restClientBuilder() {
		RestClient.Builder builder = this.restClientBuilder.getIfAvailable();
		if (builder != null) {
			return builder.clone();
		}
		// Boot 4 without spring-boot-restclient, as with spring-boot-starter-web alone.
		RestClient.Builder plain = RestClient.builder();
		this.observationRegistry.ifAvailable(plain::observationRegistry);
		return plain;
	}

	/**
	 * Let an HTTP service group's client record {@code http.client.requests} with the
	 * application's registry: the registry creates group clients from plain builders, and
	 * only Boot's optional client modules would add it. Setting the same registry again is
	 * harmless where they did.
	 */
	void observe(RestClient.Builder builder) {
		this.observationRegistry.ifAvailable(builder::observationRegistry);
	}

	void observe(WebClient.Builder builder) {
		this.observationRegistry.ifAvailable(builder::observationRegistry);
	}

	/** The properties a registration's API host may come from, most specific first. */
	private static String baseUrlSource(CdpRegistration registration) {
		String defaults = "sitecore.cdp.base-url or sitecore.cdp.region";
		return registration.isDefault() ? defaults
				: registration.prefix() + "base-url or " + registration.prefix() + "region (else " + defaults + ")";
	}

	/**
	 * Point a {@code RestClient} builder at the registration's API with its token, for the
	 * default client and for HTTP service groups named like the registration.
	 */
	void configure(RestClient.Builder builder, CdpRegistration registration, CdpAccessTokenManager tokenManager) {
		CdpBearerProtocol protocol = new CdpBearerProtocol(tokenManager, CdpHost.of(registration.baseUrl()),
				baseUrlSource(registration));
		// The token goes on at the request factory, below the builder's interceptors and
		// observations.
		builder.baseUrl(registration.baseUrl().toString())
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.requestFactory(new CdpBearerClientHttpRequestFactory(
					new ReactorClientHttpRequestFactory(this.httpClients.apiClient(registration)), protocol));
	}

	/**
	 * Point a {@code WebClient} builder at the registration's API with its token.
	 */
	void configure(WebClient.Builder builder, CdpRegistration registration, CdpAccessTokenManager tokenManager) {
		CdpBearerProtocol protocol = new CdpBearerProtocol(tokenManager, CdpHost.of(registration.baseUrl()),
				baseUrlSource(registration));
		// The token goes on at the connector, below the builder's filters and observations.
		builder.baseUrl(registration.baseUrl().toString())
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.clientConnector(new CdpBearerClientHttpConnector(
					new ReactorClientHttpConnector(this.httpClients.apiClient(registration)), protocol))
			.codecs((codecs) -> codecs.defaultCodecs().enableLoggingRequestDetails(false));
	}

}

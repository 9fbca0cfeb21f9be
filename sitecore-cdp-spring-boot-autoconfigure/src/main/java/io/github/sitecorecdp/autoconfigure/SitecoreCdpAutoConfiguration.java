package io.github.sitecorecdp.autoconfigure;

import java.net.URI;
import java.time.Clock;

import io.github.sitecorecdp.audience.AudienceExportClient;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenEndpointClient;
import io.github.sitecorecdp.token.CdpTokenListener;
import io.github.sitecorecdp.token.TokenPolicy;
import io.github.sitecorecdp.web.CdpBearerClientHttpConnector;
import io.github.sitecorecdp.web.CdpBearerClientHttpRequestFactory;
import io.github.sitecorecdp.web.CdpBearerProtocol;
import io.github.sitecorecdp.web.CdpHost;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.util.Assert;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration of the Sitecore CDP client: a {@link CdpAccessTokenManager} that owns
 * the access token, a {@code cdpWebClient} and a {@code cdpRestClient} that send it to the
 * CDP host, and typed API clients on top. Token call and API calls share one set of
 * connection settings (timeouts, proxy, TLS).
 *
 * <p>
 * Publishes none of Spring Security's OAuth2 beans (registration repository,
 * authorized-client service, managers) and no {@code WebClientCustomizer}: Spring Boot
 * would pick those up, turn on OAuth2 login or replace the application's own
 * registrations, or put the CDP token on every WebClient.
 *
 * @author sitecore-cdp-spring-boot
 */
@AutoConfiguration(afterName = { "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration",
		"org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration",
		"org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration",
		"org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration",
		"org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration" })
@ConditionalOnClass(name = { "org.springframework.web.reactive.function.client.WebClient",
		"org.springframework.security.oauth2.client.endpoint.WebClientReactiveClientCredentialsTokenResponseClient",
		"reactor.netty.http.client.HttpClient" })
@ConditionalOnSitecoreCdpEnabled
@EnableConfigurationProperties(SitecoreCdpProperties.class)
@ImportRuntimeHints(SitecoreCdpRuntimeHints.class)
public final class SitecoreCdpAutoConfiguration {

	/**
	 * Name of an optional {@link Clock} bean that the starter uses for token lifetimes,
	 * so that a test can move a day of token lifetime in no time. Only a bean of this name
	 * is taken: an application's own {@code Clock} bean (often a fixed one, in tests) would
	 * otherwise freeze every backoff and expiry.
	 */
	public static final String CLOCK_BEAN_NAME = "sitecoreCdpClock";

	private static final Log logger = LogFactory.getLog(SitecoreCdpAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	CdpHttpClients sitecoreCdpHttpClients(SitecoreCdpProperties properties, ObjectProvider<SslBundles> sslBundles) {
		return new CdpHttpClients(properties, sslBundles.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	CdpAccessTokenManager cdpAccessTokenManager(SitecoreCdpProperties properties, CdpHttpClients httpClients,
			ObjectProvider<CdpTokenListener> listeners, @Qualifier(CLOCK_BEAN_NAME) ObjectProvider<Clock> cdpClock) {
		SitecoreCdpProperties.Token token = properties.getToken();
		String apiKey = properties.getApiKey();
		String apiSecret = properties.getApiSecret();
		Assert.state(apiKey != null && apiSecret != null, "API key and secret are validated on binding");
		// A plain WebClient: never Boot's builder, whose customizers and filters are the
		// application's, and never with the bearer filter.
		WebClient tokenWebClient = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(httpClients.tokenClient()))
			.build();
		Clock clock = cdpClock.getIfAvailable(Clock::systemUTC);
		CdpTokenEndpointClient endpoint = new CdpTokenEndpointClient(apiKey, apiSecret, properties.getTokenUri(),
				properties.getAudience(), tokenWebClient, token.getConnectTimeout().plus(token.getResponseTimeout()),
				clock);
		TokenPolicy policy = new TokenPolicy(token.getRefreshAhead(), token.getExpiryMargin(),
				token.getInitialBackoff(), token.getMaxBackoff());
		logger.info("Sitecore CDP client for " + properties.determineBaseUrl() + ", access tokens from "
				+ properties.getTokenUri());
		return new CdpAccessTokenManager(endpoint, policy, clock,
				new CompositeCdpTokenListener(listeners.orderedStream().toList()));
	}

	// Not a default candidate: injected by name only, so that an application's own
	// WebClient bean stays the one injected by type.
	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cdpWebClient")
	WebClient cdpWebClient(SitecoreCdpProperties properties, CdpAccessTokenManager cdpAccessTokenManager,
			CdpHttpClients httpClients, ObjectProvider<WebClient.Builder> webClientBuilder) {
		URI baseUrl = properties.determineBaseUrl();
		CdpBearerProtocol protocol = new CdpBearerProtocol(cdpAccessTokenManager, CdpHost.of(baseUrl));
		// The token goes on at the connector, below the builder's filters and observations.
		return apiClientBuilder(httpClients, webClientBuilder)
			.clientConnector(new CdpBearerClientHttpConnector(new ReactorClientHttpConnector(httpClients.apiClient()),
					protocol))
			.baseUrl(baseUrl.toString())
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	AudienceExportClient audienceExportClient(SitecoreCdpProperties properties,
			@Qualifier("cdpWebClient") WebClient cdpWebClient, CdpHttpClients httpClients,
			ObjectProvider<WebClient.Builder> webClientBuilder, @Qualifier(CLOCK_BEAN_NAME) ObjectProvider<Clock> cdpClock) {
		// Export files sit behind presigned URLs on a storage host: fetched by a client
		// that never sends a token, whatever host the URLs name.
		WebClient fileWebClient = apiClientBuilder(httpClients, webClientBuilder).build();
		return new AudienceExportClient(cdpWebClient, fileWebClient, cdpClock.getIfAvailable(Clock::systemUTC),
				Math.toIntExact(properties.getAudienceExport().getMaxRecordSize().toBytes()));
	}

	@Bean
	@ConditionalOnBooleanProperty("sitecore.cdp.token.warm-up-on-startup")
	ApplicationListener<ApplicationReadyEvent> sitecoreCdpTokenWarmUp(CdpAccessTokenManager cdpAccessTokenManager) {
		// In the background: startup never waits for Sitecore or fails because of it.
		return (event) -> cdpAccessTokenManager.getToken()
			.subscribe((token) -> logger.debug("Warm-up obtained the first Sitecore CDP access token"),
					(ex) -> logger.warn("Warm-up could not get a Sitecore CDP access token: " + ex.getMessage()));
	}

	private static WebClient.Builder apiClientBuilder(CdpHttpClients httpClients,
			ObjectProvider<WebClient.Builder> webClientBuilder) {
		// Boot's builder is a prototype, but a user's may be a singleton: clone either way.
		// Without Boot's WebClient auto-configuration (Boot 4 without spring-boot-webclient)
		// there is no builder bean, and a default one does the job.
		return webClientBuilder.getIfAvailable(WebClient::builder)
			.clone()
			.clientConnector(new ReactorClientHttpConnector(httpClients.apiClient()))
			// spring.codec.log-request-details=true would log the Authorization header at
			// TRACE; the bearer token must never be logged, so it stays off here.
			.codecs((codecs) -> codecs.defaultCodecs().enableLoggingRequestDetails(false));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.web.client.RestClient")
	static class RestClientConfiguration {

		@Bean(defaultCandidate = false)
		@ConditionalOnMissingBean(name = "cdpRestClient")
		RestClient cdpRestClient(SitecoreCdpProperties properties, CdpAccessTokenManager cdpAccessTokenManager,
				CdpHttpClients httpClients, ObjectProvider<RestClient.Builder> restClientBuilder) {
			URI baseUrl = properties.determineBaseUrl();
			CdpBearerProtocol protocol = new CdpBearerProtocol(cdpAccessTokenManager, CdpHost.of(baseUrl));
			// The token goes on at the request factory, below the builder's interceptors
			// and observations.
			return restClientBuilder.getIfAvailable(RestClient::builder)
				.clone()
				.baseUrl(baseUrl.toString())
				.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
				.requestFactory(new CdpBearerClientHttpRequestFactory(
						new ReactorClientHttpRequestFactory(httpClients.apiClient()), protocol))
				.build();
		}

	}

}

package io.github.sitecorecdp.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.github.sitecorecdp.audience.AudienceExportClient;
import io.github.sitecorecdp.batch.BatchImportClient;
import io.github.sitecorecdp.batch.BatchImportListener;
import io.github.sitecorecdp.retry.RetryListener;
import io.github.sitecorecdp.retry.RetryPolicy;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenListener;
import io.github.sitecorecdp.token.CdpTokenListenerFactory;
import io.github.sitecorecdp.token.CdpTokenStore;
import io.github.sitecorecdp.token.redis.RedisTokenStore;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.context.annotation.Lazy;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;

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
		"org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration" })
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
	CdpRegistrationClients sitecoreCdpRegistrationClients(CdpHttpClients httpClients,
			ObjectProvider<CdpTokenListener> listeners, ObjectProvider<CdpTokenListenerFactory> listenerFactories,
			@Qualifier(CLOCK_BEAN_NAME) ObjectProvider<Clock> cdpClock, ObjectProvider<WebClient.Builder> webClientBuilder,
			ObjectProvider<RestClient.Builder> restClientBuilder, ObjectProvider<CdpTokenStore> tokenStore,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		return new CdpRegistrationClients(httpClients, listeners, listenerFactories,
				cdpClock.getIfAvailable(Clock::systemUTC), webClientBuilder, restClientBuilder, tokenStore,
				observationRegistry);
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnDefaultRegistrationCondition.class)
	CdpAccessTokenManager cdpAccessTokenManager(SitecoreCdpProperties properties,
			CdpRegistrationClients registrationClients) {
		return registrationClients.tokenManager(CdpRegistration.defaultOf(properties));
	}

	// Not a default candidate: injected by name only, so that an application's own
	// WebClient bean stays the one injected by type.
	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cdpWebClient")
	@Conditional(OnDefaultRegistrationCondition.class)
	WebClient cdpWebClient(SitecoreCdpProperties properties, CdpAccessTokenManager cdpAccessTokenManager,
			CdpRegistrationClients registrationClients) {
		return registrationClients.webClient(CdpRegistration.defaultOf(properties), cdpAccessTokenManager);
	}

	// Lazy, as the batch client and cdpRestClient: built when first injected or asked
	// for, so that an application pays at start only for the clients it uses (each
	// builds a WebClient or RestClient with its codecs, about a millisecond apiece).
	@Bean
	@Lazy
	@ConditionalOnMissingBean
	@Conditional(OnDefaultRegistrationCondition.class)
	AudienceExportClient audienceExportClient(SitecoreCdpProperties properties,
			@Qualifier("cdpWebClient") WebClient cdpWebClient, CdpRegistrationClients registrationClients,
			ObjectProvider<RetryListener> retryListeners) {
		// Export files sit behind presigned URLs on a storage host, each a credential until
		// it expires: fetched by a client that never sends a token, whatever host the URLs
		// name, and none of the application's headers or filters (one that records URLs
		// would record the signature), as the batch client's uploads are.
		WebClient fileWebClient = registrationClients.plainWebClient();
		return new AudienceExportClient(cdpWebClient, fileWebClient, registrationClients.clock(),
				Math.toIntExact(properties.getAudienceExport().getMaxRecordSize().toBytes()),
				retryPolicy(properties, registrationClients, retryListeners));
	}

	@Bean
	@Lazy
	@ConditionalOnMissingBean
	@Conditional(OnBasicAuthCondition.class)
	BatchImportClient batchImportClient(SitecoreCdpProperties properties, CdpRegistrationClients registrationClients,
			ObjectProvider<BatchImportListener> listeners, ObjectProvider<RetryListener> retryListeners) {
		SitecoreCdpProperties.BasicAuth basicAuth = properties.getBasicAuth();
		String clientKey = Objects.requireNonNull(basicAuth.getClientKey(), "validated on binding");
		String apiToken = Objects.requireNonNull(basicAuth.getApiToken(), "validated on binding");
		// The Basic credentials go to the tenant's API host only; uploads and error logs,
		// on presigned storage URLs, get a client that sends none.
		WebClient batchApi = registrationClients.apiWebClientBuilder()
			.baseUrl(properties.determineBaseUrl().toString())
			.defaultHeaders((headers) -> headers.setBasicAuth(clientKey, apiToken))
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.build();
		WebClient uploads = registrationClients.plainWebClient();
		SitecoreCdpProperties.Batch batch = properties.getBatch();
		BatchImportClient.Settings settings = new BatchImportClient.Settings(batch.getMaxFileSize().toBytes(),
				batch.getSpoolDirectory(), batch.getPollInterval(), batch.getMaxPollInterval(), batch.getMaxWait(),
				batch.getUploadTimeout(), batch.getMinUploadRate().toBytes(), batch.getStatusLag());
		return new BatchImportClient(batchApi, uploads, settings, registrationClients.clock(),
				new CompositeBatchImportListener(listeners.orderedStream().toList()),
				retryPolicy(properties, registrationClients, retryListeners));
	}

	static RetryPolicy retryPolicy(SitecoreCdpProperties properties, CdpRegistrationClients registrationClients,
			ObjectProvider<RetryListener> retryListeners) {
		SitecoreCdpProperties.Retry retry = properties.getRetry();
		RetryListener listener = new CompositeRetryListener(retryListeners.orderedStream().toList());
		return new RetryPolicy(new RetryPolicy.Settings(retry.getMaxAttempts(), retry.getInitialBackoff(),
				retry.getMaxBackoff(), retry.getMaxElapsed()), listener, registrationClients.clock());
	}

	@Bean
	@ConditionalOnMissingBean
	CdpClients sitecoreCdpClients(SitecoreCdpProperties properties, CdpRegistrationClients registrationClients,
			ObjectProvider<CdpAccessTokenManager> cdpAccessTokenManager,
			@Qualifier("cdpWebClient") ObjectProvider<WebClient> cdpWebClient,
			@Qualifier("cdpRestClient") ObjectProvider<RestClient> cdpRestClient) {
		List<CdpClients.Entry> entries = new ArrayList<>();
		for (CdpRegistration registration : CdpRegistration.all(properties)) {
			if (registration.isDefault()) {
				// The very beans, so that both ways lead to one token.
				entries.add(CdpClients.Entry.of(registration, cdpAccessTokenManager::getObject, cdpWebClient::getObject,
						cdpRestClient::getObject));
			}
			else {
				// Made now, so that health and metrics show the registration before its first call.
				CdpAccessTokenManager manager = registrationClients.tokenManager(registration);
				entries.add(CdpClients.Entry.of(registration, () -> manager,
						() -> registrationClients.webClient(registration, manager),
						() -> registrationClients.restClient(registration, manager)));
			}
		}
		return new CdpClients(entries);
	}

	@Bean
	@ConditionalOnBooleanProperty("sitecore.cdp.token.warm-up-on-startup")
	ApplicationListener<ApplicationReadyEvent> sitecoreCdpTokenWarmUp(CdpClients sitecoreCdpClients) {
		// In the background: startup never waits for Sitecore or fails because of it.
		return (event) -> sitecoreCdpClients.names()
			.forEach((name) -> sitecoreCdpClients.tokenManager(name)
				.getToken()
				.subscribe(
						(token) -> logger
							.debug("Warm-up obtained the first " + CdpRegistration.labelOf(name) + " access token"),
						(ex) -> logger.warn("Warm-up could not get a " + CdpRegistration.labelOf(name) + " access token: "
								+ ex.getMessage())));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.web.client.RestClient")
	static class RestClientConfiguration {

		// Lazy: an application of WebClient alone never builds it (see audienceExportClient).
		@Bean(defaultCandidate = false)
		@Lazy
		@ConditionalOnMissingBean(name = "cdpRestClient")
		@Conditional(OnDefaultRegistrationCondition.class)
		RestClient cdpRestClient(SitecoreCdpProperties properties, CdpAccessTokenManager cdpAccessTokenManager,
				CdpRegistrationClients registrationClients) {
			return registrationClients.restClient(CdpRegistration.defaultOf(properties), cdpAccessTokenManager);
		}

	}

	/**
	 * The Redis token store ({@code sitecore.cdp.token.store=redis}). Conditions name the
	 * classes, so an application without Spring Data Redis never loads it (the validator
	 * refuses the property then).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = SitecoreCdpPropertiesValidator.REDIS_CONNECTION_FACTORY)
	@ConditionalOnProperty(prefix = "sitecore.cdp.token", name = "store", havingValue = "redis")
	static class RedisTokenStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(CdpTokenStore.class)
		RedisTokenStore sitecoreCdpRedisTokenStore(SitecoreCdpProperties properties,
				ObjectProvider<RedisConnectionFactory> connectionFactory,
				@Qualifier(CLOCK_BEAN_NAME) ObjectProvider<Clock> cdpClock) {
			RedisConnectionFactory redis = connectionFactory.getIfUnique();
			if (redis == null) {
				throw new InvalidSitecoreCdpPropertyException("sitecore.cdp.token.store",
						"sitecore.cdp.token.store is redis, but the application has no (single) Redis connection.",
						"Set spring.data.redis.* (host, port, password) with spring-boot-starter-data-redis on the "
								+ "classpath, or declare one RedisConnectionFactory bean.");
			}
			SitecoreCdpProperties.Token.Redis settings = properties.getToken().getRedis();
			RedisTokenStore store = new RedisTokenStore(redis, settings.getKeyPrefix(), settings.getTimeout(),
					cdpClock.getIfAvailable(Clock::systemUTC));
			store.warmUp();
			return store;
		}

	}

	/**
	 * Either Basic-auth property set: the batch client is made, so that a missing other one
	 * fails startup naming it rather than leaving an injection point unsatisfied.
	 */
	static final class OnBasicAuthCondition extends AnyNestedCondition {

		OnBasicAuthCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(prefix = "sitecore.cdp.basic-auth", name = "client-key")
		static class ClientKey {

		}

		@ConditionalOnProperty(prefix = "sitecore.cdp.basic-auth", name = "api-token")
		static class ApiToken {

		}

	}

	/**
	 * {@code sitecore.cdp.token.store=redis} without Spring Data Redis: refused at startup,
	 * as tokens would otherwise quietly stay per instance.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass(SitecoreCdpPropertiesValidator.REDIS_CONNECTION_FACTORY)
	@ConditionalOnProperty(prefix = "sitecore.cdp.token", name = "store", havingValue = "redis")
	static class MissingRedisConfiguration {

		@Bean
		CdpTokenStore sitecoreCdpRedisTokenStore() {
			throw new InvalidSitecoreCdpPropertyException("sitecore.cdp.token.store",
					"sitecore.cdp.token.store is redis, but Spring Data Redis is not on the classpath.",
					"Add spring-boot-starter-data-redis and set spring.data.redis.* (host, port, password), or remove "
							+ "sitecore.cdp.token.store to keep tokens in each instance's memory.");
		}

	}

	/**
	 * Spring Framework 7's HTTP service registry (Spring Boot 4): groups named like a
	 * named registration get its base URL and token. Conditions name the classes, so Boot
	 * 3.5 skips this without loading it.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.web.service.registry.HttpServiceGroupConfigurer")
	static class HttpServiceGroupsConfiguration {

		@Bean
		@ConditionalOnClass(name = "org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer")
		RestClientHttpServiceGroupConfigurer sitecoreCdpRestClientHttpServiceGroupConfigurer(
				CdpClients sitecoreCdpClients, CdpRegistrationClients registrationClients) {
			return new CdpHttpServiceGroups(sitecoreCdpClients, registrationClients).restClientGroups();
		}

		@Bean
		@ConditionalOnClass(
				name = "org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer")
		WebClientHttpServiceGroupConfigurer sitecoreCdpWebClientHttpServiceGroupConfigurer(
				CdpClients sitecoreCdpClients, CdpRegistrationClients registrationClients) {
			return new CdpHttpServiceGroups(sitecoreCdpClients, registrationClients).webClientGroups();
		}

	}

}

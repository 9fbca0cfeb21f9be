package io.github.sitecorecdp.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.github.sitecorecdp.realtime.Channel;
import io.github.sitecorecdp.realtime.RealtimeSettings;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of the Sitecore CDP client.
 *
 * <p>
 * Deliberately has no {@code toString()}: the API secret must never end up in a log line.
 *
 * @author sitecore-cdp-spring-boot
 */
@ConfigurationProperties("sitecore.cdp")
public class SitecoreCdpProperties implements InitializingBean, EnvironmentAware {

	/**
	 * Whether to configure the Sitecore CDP client.
	 */
	private boolean enabled = true;

	/**
	 * API key of a Sitecore Cloud Portal API key, sent as the OAuth2 client_id: the
	 * default registration, behind cdpWebClient, cdpRestClient and AudienceExportClient.
	 * Required unless named registrations (clients) are configured.
	 */
	private @Nullable String apiKey;

	/**
	 * API secret of a Sitecore Cloud Portal API key, sent as the OAuth2 client_secret.
	 * Required. Never logged.
	 */
	private @Nullable String apiSecret;

	/**
	 * Region of the Sitecore CDP tenant. Selects the API host
	 * https://api-engage-{region}.sitecorecloud.io unless base-url is set.
	 */
	private Region region = Region.EU;

	/**
	 * Base URL of the Sitecore CDP REST APIs. Overrides the region (legacy hosts, proxies,
	 * tests). Only requests to this host get the access token.
	 */
	private @Nullable URI baseUrl;

	/**
	 * OAuth2 token endpoint that issues access tokens for the API key.
	 */
	private URI tokenUri = URI.create("https://auth.sitecorecloud.io/oauth/token");

	/**
	 * Value of the audience parameter of the token request.
	 */
	private String audience = "https://api.sitecorecloud.io";

	/**
	 * Connect timeout of API calls.
	 */
	private Duration connectTimeout = Duration.ofSeconds(10);

	/**
	 * Response timeout of API calls: the longest wait for the response or between two
	 * reads of its body.
	 */
	private Duration responseTimeout = Duration.ofSeconds(30);

	private final Token token = new Token();

	private final Proxy proxy = new Proxy();

	private final Ssl ssl = new Ssl();

	private final BasicAuth basicAuth = new BasicAuth();

	private final Batch batch = new Batch();

	private final Retry retry = new Retry();

	private final AudienceExport audienceExport = new AudienceExport();

	private final Realtime realtime = new Realtime();

	private final Events events = new Events();

	private final Flows flows = new Flows();

	/**
	 * Named registrations: further API keys (Personalize, XM Cloud, Experience Edge), each
	 * with its own token. A value a registration leaves out is taken from sitecore.cdp.*,
	 * except the API key and secret.
	 */
	private final Map<String, Client> clients = new LinkedHashMap<>();

	// Not a property (no getter): where settings that bound nothing are looked for.
	private @Nullable Environment environment;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getApiKey() {
		return this.apiKey;
	}

	public void setApiKey(@Nullable String apiKey) {
		this.apiKey = apiKey;
	}

	public @Nullable String getApiSecret() {
		return this.apiSecret;
	}

	public void setApiSecret(@Nullable String apiSecret) {
		this.apiSecret = apiSecret;
	}

	public Region getRegion() {
		return this.region;
	}

	public void setRegion(Region region) {
		this.region = region;
	}

	public @Nullable URI getBaseUrl() {
		return this.baseUrl;
	}

	public void setBaseUrl(@Nullable URI baseUrl) {
		this.baseUrl = baseUrl;
	}

	public URI getTokenUri() {
		return this.tokenUri;
	}

	public void setTokenUri(URI tokenUri) {
		this.tokenUri = tokenUri;
	}

	public String getAudience() {
		return this.audience;
	}

	public void setAudience(String audience) {
		this.audience = audience;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getResponseTimeout() {
		return this.responseTimeout;
	}

	public void setResponseTimeout(Duration responseTimeout) {
		this.responseTimeout = responseTimeout;
	}

	public Token getToken() {
		return this.token;
	}

	public Proxy getProxy() {
		return this.proxy;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public BasicAuth getBasicAuth() {
		return this.basicAuth;
	}

	public Batch getBatch() {
		return this.batch;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public AudienceExport getAudienceExport() {
		return this.audienceExport;
	}

	public Realtime getRealtime() {
		return this.realtime;
	}

	public Events getEvents() {
		return this.events;
	}

	public Flows getFlows() {
		return this.flows;
	}

	public Map<String, Client> getClients() {
		return this.clients;
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void afterPropertiesSet() {
		SitecoreCdpPropertiesValidator.validate(this, (this.environment != null)
				? UnboundRegistrationSettings.find(this.environment, this.clients.keySet()) : List.of());
	}

	/**
	 * Return the base URL API calls go to: {@code base-url} when set, else the region's.
	 * @return the effective base URL
	 */
	public URI determineBaseUrl() {
		return (this.baseUrl != null) ? this.baseUrl : this.region.getBaseUrl();
	}

	/**
	 * Return what every real-time call carries, or {@code null} when no point of sale is
	 * set (the real-time clients are then not created). The client key falls back to
	 * {@code basic-auth.client-key}. The validator refuses a point of sale without a
	 * client key or currency at startup, so the checks here only guard direct use.
	 * @return the real-time settings, or {@code null}
	 */
	public @Nullable RealtimeSettings determineRealtimeSettings() {
		String pointOfSale = this.realtime.getPointOfSale();
		if (pointOfSale == null) {
			return null;
		}
		String clientKey = (this.realtime.getClientKey() != null) ? this.realtime.getClientKey()
				: this.basicAuth.getClientKey();
		if (clientKey == null) {
			throw new IllegalStateException(
					"sitecore.cdp.realtime.client-key (or sitecore.cdp.basic-auth.client-key) must be set");
		}
		String currency = this.realtime.getCurrency();
		if (currency == null) {
			throw new IllegalStateException("sitecore.cdp.realtime.currency must be set");
		}
		return new RealtimeSettings(determineBaseUrl(), clientKey, pointOfSale, this.realtime.getChannel(),
				this.realtime.getLanguage(), currency);
	}

	/**
	 * Access token settings.
	 */
	public static class Token {

		/**
		 * Connect timeout of token requests.
		 */
		private Duration connectTimeout = Duration.ofSeconds(5);

		/**
		 * Response timeout of token requests.
		 */
		private Duration responseTimeout = Duration.ofSeconds(10);

		/**
		 * How long before a token expires a background refresh starts, while calls go on
		 * with the current token. Capped at half the token's lifetime.
		 */
		private Duration refreshAhead = Duration.ofMinutes(5);

		/**
		 * How long before a token expires it is no longer sent; calls then wait for a new
		 * one. Capped at a tenth of the token's lifetime. Must be shorter than
		 * refresh-ahead.
		 */
		private Duration expiryMargin = Duration.ofSeconds(60);

		/**
		 * Wait before the first retry after a failed token request. Doubles, with jitter,
		 * after each further failure.
		 */
		private Duration initialBackoff = Duration.ofSeconds(1);

		/**
		 * Longest wait between two token requests after failures.
		 */
		private Duration maxBackoff = Duration.ofSeconds(30);

		/**
		 * Whether to fetch the first token in the background as the application starts.
		 * Startup never waits for it or fails on it; a failure shows in the log and in
		 * health.
		 */
		private boolean warmUpOnStartup;

		/**
		 * Where tokens are kept: in each instance's memory, or in Redis, shared by every
		 * instance of the application (one token request per registration for the whole
		 * fleet). Redis needs Spring Data Redis and a Redis connection (spring.data.redis.*).
		 */
		private Store store = Store.MEMORY;

		private final Redis redis = new Redis();

		public Store getStore() {
			return this.store;
		}

		public void setStore(Store store) {
			this.store = store;
		}

		public Redis getRedis() {
			return this.redis;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getResponseTimeout() {
			return this.responseTimeout;
		}

		public void setResponseTimeout(Duration responseTimeout) {
			this.responseTimeout = responseTimeout;
		}

		public Duration getRefreshAhead() {
			return this.refreshAhead;
		}

		public void setRefreshAhead(Duration refreshAhead) {
			this.refreshAhead = refreshAhead;
		}

		public Duration getExpiryMargin() {
			return this.expiryMargin;
		}

		public void setExpiryMargin(Duration expiryMargin) {
			this.expiryMargin = expiryMargin;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public boolean isWarmUpOnStartup() {
			return this.warmUpOnStartup;
		}

		public void setWarmUpOnStartup(boolean warmUpOnStartup) {
			this.warmUpOnStartup = warmUpOnStartup;
		}

		/**
		 * Where tokens are kept.
		 */
		public enum Store {

			/**
			 * Each instance keeps its own tokens in memory.
			 */
			MEMORY,

			/**
			 * Tokens are shared by every instance through Redis, sealed with a key derived
			 * from the API secret.
			 */
			REDIS

		}

		/**
		 * The Redis token store (sitecore.cdp.token.store=redis).
		 */
		public static class Redis {

			/**
			 * Start of the Redis keys and channel the starter uses. Instances share tokens
			 * only under the same prefix.
			 */
			private String keyPrefix = "sitecore-cdp";

			/**
			 * Longest wait for one Redis command. A slower or stopped Redis makes the
			 * instance get its own token instead, never fail an API call.
			 */
			private Duration timeout = Duration.ofSeconds(1);

			public String getKeyPrefix() {
				return this.keyPrefix;
			}

			public void setKeyPrefix(String keyPrefix) {
				this.keyPrefix = keyPrefix;
			}

			public Duration getTimeout() {
				return this.timeout;
			}

			public void setTimeout(Duration timeout) {
				this.timeout = timeout;
			}

		}

	}

	/**
	 * HTTP proxy of the token call and the API calls. When no host is set, the JVM's proxy
	 * system properties (https.proxyHost, http.nonProxyHosts, ...) apply.
	 */
	public static class Proxy {

		/**
		 * Host of the HTTP proxy.
		 */
		private @Nullable String host;

		/**
		 * Port of the HTTP proxy. Required with host.
		 */
		private @Nullable Integer port;

		/**
		 * User name for the proxy, if it requires authentication.
		 */
		private @Nullable String username;

		/**
		 * Password for the proxy. Never logged.
		 */
		private @Nullable String password;

		/**
		 * Hosts reached directly, bypassing the proxy. Entries may start or end with a
		 * '*' wildcard, as in the JVM's http.nonProxyHosts.
		 */
		private List<String> nonProxyHosts = new ArrayList<>();

		public @Nullable String getHost() {
			return this.host;
		}

		public void setHost(@Nullable String host) {
			this.host = host;
		}

		public @Nullable Integer getPort() {
			return this.port;
		}

		public void setPort(@Nullable Integer port) {
			this.port = port;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public List<String> getNonProxyHosts() {
			return this.nonProxyHosts;
		}

		public void setNonProxyHosts(List<String> nonProxyHosts) {
			this.nonProxyHosts = nonProxyHosts;
		}

	}

	/**
	 * TLS of the token call and the API calls.
	 */
	public static class Ssl {

		/**
		 * Name of a Spring Boot SSL bundle (spring.ssl.bundle.*) with the trust material
		 * for a private CA, or the key material for mutual TLS.
		 */
		private @Nullable String bundle;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

	/**
	 * Credentials of the APIs that take HTTP Basic authentication (the Batch API; later the
	 * Guest and Order APIs): the tenant's client key and API token, not an OAuth2 key.
	 */
	public static class BasicAuth {

		/**
		 * Client key of the Sitecore CDP tenant, the Basic user.
		 */
		private @Nullable String clientKey;

		/**
		 * API token of the Sitecore CDP tenant, the Basic password. Never logged.
		 */
		private @Nullable String apiToken;

		public @Nullable String getClientKey() {
			return this.clientKey;
		}

		public void setClientKey(@Nullable String clientKey) {
			this.clientKey = clientKey;
		}

		public @Nullable String getApiToken() {
			return this.apiToken;
		}

		public void setApiToken(@Nullable String apiToken) {
			this.apiToken = apiToken;
		}

		/**
		 * Return whether either value is set, so that the Basic-auth clients are wanted.
		 * @return whether the client key or the API token is set
		 */
		public boolean isConfigured() {
			return this.clientKey != null || this.apiToken != null;
		}

	}

	/**
	 * Settings shared by the real-time APIs (Stream API events and Personalize flow
	 * execution), which authenticate with the tenant's client key only.
	 */
	public static class Realtime {

		/**
		 * Client key of the Sitecore CDP tenant. Default: sitecore.cdp.basic-auth.client-key.
		 */
		private @Nullable String clientKey;

		/**
		 * Point of sale sent with every event and flow call, exactly as configured in
		 * Sitecore: Sitecore silently drops an event with an unknown point of sale. The
		 * real-time clients are created when it is set.
		 */
		private @Nullable String pointOfSale;

		/**
		 * Channel sent when a call names none.
		 */
		private Channel channel = Channel.WEB;

		/**
		 * Language sent when a call names none (ISO 639-1, upper case).
		 */
		private String language = "EN";

		/**
		 * Currency sent when a call names none (ISO 4217). Sitecore requires one on every
		 * event.
		 */
		private @Nullable String currency;

		public @Nullable String getClientKey() {
			return this.clientKey;
		}

		public void setClientKey(@Nullable String clientKey) {
			this.clientKey = clientKey;
		}

		public @Nullable String getPointOfSale() {
			return this.pointOfSale;
		}

		public void setPointOfSale(@Nullable String pointOfSale) {
			this.pointOfSale = pointOfSale;
		}

		public Channel getChannel() {
			return this.channel;
		}

		public void setChannel(Channel channel) {
			this.channel = channel;
		}

		public String getLanguage() {
			return this.language;
		}

		public void setLanguage(String language) {
			this.language = language;
		}

		public @Nullable String getCurrency() {
			return this.currency;
		}

		public void setCurrency(@Nullable String currency) {
			this.currency = currency;
		}

	}

	/**
	 * Server-side events sent to the Stream API, created when
	 * sitecore.cdp.realtime.point-of-sale is set.
	 */
	public static class Events {

		/**
		 * Most events enqueued and not yet acknowledged; further events are dropped and
		 * counted, never blocking the caller. At most 33554431.
		 */
		private int queueCapacity = 10_000;

		/**
		 * Most bytes (estimated) of events enqueued and not yet acknowledged. At most 256GB
		 * less one byte.
		 */
		private DataSize queueMaxBytes = DataSize.ofMegabytes(16);

		/**
		 * Most calls to the Stream API at once.
		 */
		private int maxInFlight = 32;

		/**
		 * Most visitors whose browser ref is kept in memory.
		 */
		private long browserRefCacheSize = 100_000;

		/**
		 * How long a visitor's browser ref is kept without use.
		 */
		private Duration browserRefExpiry = Duration.ofMinutes(30);

		/**
		 * Longest wait on shutdown for enqueued events to be acknowledged; keep it shorter
		 * than spring.lifecycle.timeout-per-shutdown-phase.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(20);

		/**
		 * Shortest time between two warnings about dropped events.
		 */
		private Duration dropLogInterval = Duration.ofMinutes(1);

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public DataSize getQueueMaxBytes() {
			return this.queueMaxBytes;
		}

		public void setQueueMaxBytes(DataSize queueMaxBytes) {
			this.queueMaxBytes = queueMaxBytes;
		}

		public int getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

		public long getBrowserRefCacheSize() {
			return this.browserRefCacheSize;
		}

		public void setBrowserRefCacheSize(long browserRefCacheSize) {
			this.browserRefCacheSize = browserRefCacheSize;
		}

		public Duration getBrowserRefExpiry() {
			return this.browserRefExpiry;
		}

		public void setBrowserRefExpiry(Duration browserRefExpiry) {
			this.browserRefExpiry = browserRefExpiry;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public Duration getDropLogInterval() {
			return this.dropLogInterval;
		}

		public void setDropLogInterval(Duration dropLogInterval) {
			this.dropLogInterval = dropLogInterval;
		}

	}

	/**
	 * Personalize flow execution ({@code POST /v2/callFlows}).
	 */
	public static class Flows {

		/**
		 * Time a flow call may take in all, retry included, before the caller's fallback
		 * is returned. Sitecore's headless SDK gives a call 400 ms.
		 */
		private Duration deadline = Duration.ofMillis(400);

		/**
		 * Failed calls in a row (timeouts, 429, 5xx, connection errors, unreadable
		 * answers) after which the circuit opens and calls return their fallback at once.
		 */
		private int failureThreshold = 5;

		/**
		 * Time the circuit stays open before one trial call is let through.
		 */
		private Duration openDuration = Duration.ofSeconds(10);

		private final Cache cache = new Cache();

		public Duration getDeadline() {
			return this.deadline;
		}

		public void setDeadline(Duration deadline) {
			this.deadline = deadline;
		}

		public int getFailureThreshold() {
			return this.failureThreshold;
		}

		public void setFailureThreshold(int failureThreshold) {
			this.failureThreshold = failureThreshold;
		}

		public Duration getOpenDuration() {
			return this.openDuration;
		}

		public void setOpenDuration(Duration openDuration) {
			this.openDuration = openDuration;
		}

		public Cache getCache() {
			return this.cache;
		}

		/**
		 * Decisions of flows that are not personal, kept for a short time (needs Caffeine).
		 */
		public static class Cache {

			/**
			 * Friendly ids of the flows whose decisions may be kept, per identity and params.
			 * Empty: no decision is kept. Name only flows that answer the same to everyone.
			 */
			private List<String> flows = new ArrayList<>();

			/**
			 * How long a decision is kept after it arrived.
			 */
			private Duration ttl = Duration.ofSeconds(30);

			/**
			 * Most decisions kept.
			 */
			private long maxSize = 10_000;

			public List<String> getFlows() {
				return this.flows;
			}

			public void setFlows(List<String> flows) {
				this.flows = flows;
			}

			public Duration getTtl() {
				return this.ttl;
			}

			public void setTtl(Duration ttl) {
				this.ttl = ttl;
			}

			public long getMaxSize() {
				return this.maxSize;
			}

			public void setMaxSize(long maxSize) {
				this.maxSize = maxSize;
			}

		}

	}

	/**
	 * Batch imports.
	 */
	public static class Batch {

		/**
		 * Largest batch file, compressed. Sitecore accepts at most "50MB", read as
		 * 50,000,000 bytes, the safe reading.
		 */
		private DataSize maxFileSize = DataSize.ofBytes(50_000_000);

		/**
		 * Directory batch files are spooled to while they are written and uploaded, one at
		 * a time. Default: the JVM's temporary directory.
		 */
		private @Nullable Path spoolDirectory;

		/**
		 * First wait between two status polls of a batch; doubles up to max-poll-interval.
		 */
		private Duration pollInterval = Duration.ofSeconds(2);

		/**
		 * Longest wait between two status polls of a batch.
		 */
		private Duration maxPollInterval = Duration.ofSeconds(30);

		/**
		 * Longest wait for one batch to reach a final status after its upload.
		 */
		private Duration maxWait = Duration.ofHours(1);

		/**
		 * Part of an upload's time limit that does not depend on the file's size; the limit
		 * is this plus the file's size at min-upload-rate, retries included.
		 */
		private Duration uploadTimeout = Duration.ofMinutes(1);

		/**
		 * Slowest upload accepted, per second: a 50MB file at the default 16KB per second
		 * may take 53 minutes.
		 */
		private DataSize minUploadRate = DataSize.ofKilobytes(16);

		/**
		 * How long Sitecore's batch status may still say 'uploading' after the file reached
		 * storage. Waited out before a file whose upload answer was lost is sent again, and
		 * past a batch's upload URL expiry before awaitBatch reports it never uploaded.
		 */
		private Duration statusLag = Duration.ofMinutes(1);

		public Duration getStatusLag() {
			return this.statusLag;
		}

		public void setStatusLag(Duration statusLag) {
			this.statusLag = statusLag;
		}

		public Duration getUploadTimeout() {
			return this.uploadTimeout;
		}

		public void setUploadTimeout(Duration uploadTimeout) {
			this.uploadTimeout = uploadTimeout;
		}

		public DataSize getMinUploadRate() {
			return this.minUploadRate;
		}

		public void setMinUploadRate(DataSize minUploadRate) {
			this.minUploadRate = minUploadRate;
		}

		public DataSize getMaxFileSize() {
			return this.maxFileSize;
		}

		public void setMaxFileSize(DataSize maxFileSize) {
			this.maxFileSize = maxFileSize;
		}

		public @Nullable Path getSpoolDirectory() {
			return this.spoolDirectory;
		}

		public void setSpoolDirectory(@Nullable Path spoolDirectory) {
			this.spoolDirectory = spoolDirectory;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getMaxPollInterval() {
			return this.maxPollInterval;
		}

		public void setMaxPollInterval(Duration maxPollInterval) {
			this.maxPollInterval = maxPollInterval;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

	}

	/**
	 * Retries of idempotent calls after transient failures (5xx but 501 and 505, 429,
	 * connection failures, timeouts): batch status polls, uploads and error-log reads,
	 * and Audience export reads. Other 4xx answers are never retried.
	 */
	public static class Retry {

		/**
		 * Most attempts of one call, the first included. 1 turns retries off.
		 */
		private int maxAttempts = 4;

		/**
		 * Wait before the first retry; doubled for each next one, jittered by half, and never
		 * shorter than a Retry-After header asks.
		 */
		private Duration initialBackoff = Duration.ofMillis(500);

		/**
		 * Longest wait between two attempts, Retry-After aside.
		 */
		private Duration maxBackoff = Duration.ofSeconds(20);

		/**
		 * Longest time for one call, attempts and waits together, for calls that have no
		 * limit of their own (error-log reads, announcements, Audience export reads).
		 */
		private Duration maxElapsed = Duration.ofMinutes(2);

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public Duration getMaxElapsed() {
			return this.maxElapsed;
		}

		public void setMaxElapsed(Duration maxElapsed) {
			this.maxElapsed = maxElapsed;
		}

	}

	/**
	 * Audience export downloads.
	 */
	public static class AudienceExport {

		/**
		 * Longest record (one line of an export file) read, counted in characters. A longer
		 * one fails the download with an error that names the file and line, instead of
		 * exhausting the heap.
		 */
		private DataSize maxRecordSize = DataSize.ofMegabytes(10);

		public DataSize getMaxRecordSize() {
			return this.maxRecordSize;
		}

		public void setMaxRecordSize(DataSize maxRecordSize) {
			this.maxRecordSize = maxRecordSize;
		}

	}

	/**
	 * A named registration: one more API key, with its own token. Values left out are
	 * taken from {@code sitecore.cdp.*}, except the API key and secret.
	 */
	public static class Client {

		/**
		 * API key, sent as the OAuth2 client_id. Required.
		 */
		private @Nullable String apiKey;

		/**
		 * API secret, sent as the OAuth2 client_secret. Required. Never logged.
		 */
		private @Nullable String apiSecret;

		/**
		 * Value of the audience parameter of the token request, such as
		 * https://delivery.sitecore.cloud/{tenant-id} for Experience Edge. Default:
		 * sitecore.cdp.audience.
		 */
		private @Nullable String audience;

		/**
		 * OAuth2 token endpoint. Default: sitecore.cdp.token-uri.
		 */
		private @Nullable URI tokenUri;

		/**
		 * Region of the API host. Default: sitecore.cdp.region, unless base-url is set.
		 */
		private @Nullable Region region;

		/**
		 * Base URL of the API this key calls; only requests to this host get its token.
		 * Default: the region's host, else sitecore.cdp.base-url.
		 */
		private @Nullable URI baseUrl;

		/**
		 * Connect timeout of API calls. Default: sitecore.cdp.connect-timeout.
		 */
		private @Nullable Duration connectTimeout;

		/**
		 * Response timeout of API calls. Default: sitecore.cdp.response-timeout.
		 */
		private @Nullable Duration responseTimeout;

		private final ClientToken token = new ClientToken();

		public @Nullable String getApiKey() {
			return this.apiKey;
		}

		public void setApiKey(@Nullable String apiKey) {
			this.apiKey = apiKey;
		}

		public @Nullable String getApiSecret() {
			return this.apiSecret;
		}

		public void setApiSecret(@Nullable String apiSecret) {
			this.apiSecret = apiSecret;
		}

		public @Nullable String getAudience() {
			return this.audience;
		}

		public void setAudience(@Nullable String audience) {
			this.audience = audience;
		}

		public @Nullable URI getTokenUri() {
			return this.tokenUri;
		}

		public void setTokenUri(@Nullable URI tokenUri) {
			this.tokenUri = tokenUri;
		}

		public @Nullable Region getRegion() {
			return this.region;
		}

		public void setRegion(@Nullable Region region) {
			this.region = region;
		}

		public @Nullable URI getBaseUrl() {
			return this.baseUrl;
		}

		public void setBaseUrl(@Nullable URI baseUrl) {
			this.baseUrl = baseUrl;
		}

		public @Nullable Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(@Nullable Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public @Nullable Duration getResponseTimeout() {
			return this.responseTimeout;
		}

		public void setResponseTimeout(@Nullable Duration responseTimeout) {
			this.responseTimeout = responseTimeout;
		}

		public ClientToken getToken() {
			return this.token;
		}

	}

	/**
	 * Access token settings of a named registration; each left out is taken from
	 * {@code sitecore.cdp.token.*}.
	 */
	public static class ClientToken {

		/**
		 * Connect timeout of token requests. Default: sitecore.cdp.token.connect-timeout.
		 */
		private @Nullable Duration connectTimeout;

		/**
		 * Response timeout of token requests. Default: sitecore.cdp.token.response-timeout.
		 */
		private @Nullable Duration responseTimeout;

		/**
		 * How long before a token expires a background refresh starts. Default:
		 * sitecore.cdp.token.refresh-ahead.
		 */
		private @Nullable Duration refreshAhead;

		/**
		 * How long before a token expires it is no longer sent. Default:
		 * sitecore.cdp.token.expiry-margin.
		 */
		private @Nullable Duration expiryMargin;

		/**
		 * Wait before the first retry after a failed token request. Default:
		 * sitecore.cdp.token.initial-backoff.
		 */
		private @Nullable Duration initialBackoff;

		/**
		 * Longest wait between two token requests after failures. Default:
		 * sitecore.cdp.token.max-backoff.
		 */
		private @Nullable Duration maxBackoff;

		public @Nullable Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(@Nullable Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public @Nullable Duration getResponseTimeout() {
			return this.responseTimeout;
		}

		public void setResponseTimeout(@Nullable Duration responseTimeout) {
			this.responseTimeout = responseTimeout;
		}

		public @Nullable Duration getRefreshAhead() {
			return this.refreshAhead;
		}

		public void setRefreshAhead(@Nullable Duration refreshAhead) {
			this.refreshAhead = refreshAhead;
		}

		public @Nullable Duration getExpiryMargin() {
			return this.expiryMargin;
		}

		public void setExpiryMargin(@Nullable Duration expiryMargin) {
			this.expiryMargin = expiryMargin;
		}

		public @Nullable Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(@Nullable Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public @Nullable Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(@Nullable Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

	}

}

package io.github.sitecorecdp.autoconfigure;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.sitecorecdp.events.CdpEventSender;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

/**
 * The rules a {@link SitecoreCdpProperties} must meet before anything is built from it.
 * Each failure names the property and says how to fix it; none shows a secret. Every
 * property is checked before startup is refused, so that one report lists every problem,
 * not one per restart.
 *
 * @author sitecore-cdp-spring-boot
 */
final class SitecoreCdpPropertiesValidator {

	static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

	private static final String PREFIX = "sitecore.cdp.";

	/**
	 * Shortest duration taken: Reactor Netty counts timeouts in whole milliseconds, and 0 ms
	 * would mean no timeout at all.
	 */
	private static final Duration MIN_DURATION = Duration.ofMillis(1);

	/**
	 * Longest duration taken: longer waits, backoffs or windows make no sense for tokens
	 * that live a day, and bounding them keeps all time arithmetic far from overflow.
	 */
	private static final Duration MAX_DURATION = Duration.ofDays(1);

	private static final String RANGE = "1ms and 1d";

	private static final DataSize MIN_RECORD_SIZE = DataSize.ofKilobytes(1);

	/**
	 * Largest record bound taken: a record is held as one string of up to this many
	 * characters, two bytes each at worst.
	 */
	private static final DataSize MAX_RECORD_SIZE = DataSize.ofMegabytes(256);

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)(:[^}]*)?}");

	/** Sitecore's limit for one batch file, "50MB", in its safe reading. */
	private static final DataSize MAX_BATCH_FILE = DataSize.ofBytes(50_000_000);

	private static final Pattern LANGUAGE = Pattern.compile("[A-Z]{2}");

	private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

	private static final Pattern VALID_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

	private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

	private static final String WHERE_TO_GET_KEYS = "API keys are created in the Sitecore Cloud Portal, for the "
			+ "feature of the API you call, such as Audience export. "
			+ "To start the application without Sitecore CDP, set sitecore.cdp.enabled=false.";

	private final List<InvalidSitecoreCdpPropertyException> problems = new ArrayList<>();

	private SitecoreCdpPropertiesValidator() {
	}

	static void validate(SitecoreCdpProperties properties) {
		validate(properties, List.of());
	}

	/**
	 * Checks the properties and refuses them with every problem found.
	 * @param properties the bound properties
	 * @param unbound problems found outside the bound values, such as settings of
	 * registrations that bound nothing
	 */
	static void validate(SitecoreCdpProperties properties, List<InvalidSitecoreCdpPropertyException> unbound) {
		List<InvalidSitecoreCdpPropertyException> problems = problemsOf(properties, unbound);
		if (!problems.isEmpty()) {
			throw InvalidSitecoreCdpPropertyException.of(problems);
		}
	}

	/**
	 * Returns every problem of the properties, for a report that has more to tell, such as
	 * values that could not be bound at all.
	 * @param properties the bound properties
	 * @param unbound problems found outside the bound values, such as settings of
	 * registrations that bound nothing
	 * @return the problems, in the order found, then the unbound ones; empty when there are
	 * none
	 */
	static List<InvalidSitecoreCdpPropertyException> problemsOf(SitecoreCdpProperties properties,
			List<InvalidSitecoreCdpPropertyException> unbound) {
		SitecoreCdpPropertiesValidator validator = new SitecoreCdpPropertiesValidator();
		validator.check(properties);
		validator.problems.addAll(unbound);
		return validator.problems;
	}

	private void refuse(String property, String description, String action) {
		this.problems.add(new InvalidSitecoreCdpPropertyException(property, description, action));
	}

	private void check(SitecoreCdpProperties properties) {
		if (CdpRegistration.hasDefault(properties)) {
			requireText(PREFIX + "api-key", properties.getApiKey(), "the API key (the OAuth2 client_id)");
			requireText(PREFIX + "api-secret", properties.getApiSecret(), "the API secret (the OAuth2 client_secret)");
		}
		requireSafeUrl(PREFIX + "token-uri", properties.getTokenUri());
		if (properties.getBaseUrl() != null) {
			requireSafeUrl(PREFIX + "base-url", properties.getBaseUrl());
		}
		requireAudience(PREFIX, properties.getAudience());
		requireInRange(PREFIX + "connect-timeout", properties.getConnectTimeout());
		requireInRange(PREFIX + "response-timeout", properties.getResponseTimeout());
		SitecoreCdpProperties.Token token = properties.getToken();
		requireInRange(PREFIX + "token.connect-timeout", token.getConnectTimeout());
		requireInRange(PREFIX + "token.response-timeout", token.getResponseTimeout());
		requireInRange(PREFIX + "token.refresh-ahead", token.getRefreshAhead());
		requireInRange(PREFIX + "token.expiry-margin", token.getExpiryMargin());
		requireInRange(PREFIX + "token.initial-backoff", token.getInitialBackoff());
		requireInRange(PREFIX + "token.max-backoff", token.getMaxBackoff());
		requireConsistentToken(PREFIX, token.getRefreshAhead(), token.getExpiryMargin(), token.getInitialBackoff(),
				token.getMaxBackoff());
		DataSize maxRecordSize = properties.getAudienceExport().getMaxRecordSize();
		if (maxRecordSize.toBytes() < MIN_RECORD_SIZE.toBytes() || maxRecordSize.toBytes() > MAX_RECORD_SIZE.toBytes()) {
			refuse(PREFIX + "audience-export.max-record-size",
					PREFIX + "audience-export.max-record-size is " + print(maxRecordSize)
							+ ", but must be between 1KB and 256MB.",
					"Set " + PREFIX + "audience-export.max-record-size to a size such as 10MB, or remove it to use "
							+ "the default.");
		}
		SitecoreCdpProperties.Proxy proxy = properties.getProxy();
		if (StringUtils.hasText(proxy.getHost())) {
			Integer port = proxy.getPort();
			if (port == null || port < 1 || port > 65535) {
				refuse(PREFIX + "proxy.port",
						"sitecore.cdp.proxy.port is " + ((port != null) ? port : "not set")
								+ ", but sitecore.cdp.proxy.host is set.",
						"Set sitecore.cdp.proxy.port to the proxy's port (1 to 65535).");
			}
		}
		properties.getClients().forEach((name, client) -> validateClient(name, client, properties));
		SitecoreCdpProperties.BasicAuth basicAuth = properties.getBasicAuth();
		if (basicAuth.isConfigured()) {
			String source = ", shown in Sitecore CDP under Settings > API access. Remove both basic-auth "
					+ "properties if you do not use the Batch API.";
			requireText(PREFIX + "basic-auth.client-key", basicAuth.getClientKey(), "the tenant's client key",
					"for the Batch API", source);
			requireText(PREFIX + "basic-auth.api-token", basicAuth.getApiToken(), "the tenant's API token",
					"for the Batch API", source);
		}
		SitecoreCdpProperties.Batch batch = properties.getBatch();
		Path spool = batch.getSpoolDirectory();
		if (spool != null && !Files.isDirectory(spool)) {
			// Else the first import would fail, long after startup.
			refuse(PREFIX + "batch.spool-directory",
					PREFIX + "batch.spool-directory (" + spool + ") is not an existing directory.",
					"Create the directory, point " + PREFIX + "batch.spool-directory at one, or remove it to use "
							+ "the JVM's temporary directory.");
		}
		requireInRange(PREFIX + "batch.poll-interval", batch.getPollInterval());
		requireInRange(PREFIX + "batch.max-poll-interval", batch.getMaxPollInterval());
		requireInRange(PREFIX + "batch.max-wait", batch.getMaxWait());
		if (batch.getPollInterval().compareTo(batch.getMaxPollInterval()) > 0) {
			refuse(PREFIX + "batch.poll-interval",
					PREFIX + "batch.poll-interval (" + printExactly(batch.getPollInterval()) + ") is longer than " + PREFIX
							+ "batch.max-poll-interval (" + printExactly(batch.getMaxPollInterval()) + ").",
					"Set " + PREFIX + "batch.poll-interval to at most " + PREFIX + "batch.max-poll-interval.");
		}
		DataSize maxFileSize = batch.getMaxFileSize();
		if (maxFileSize.toBytes() < MIN_RECORD_SIZE.toBytes() || maxFileSize.toBytes() > MAX_BATCH_FILE.toBytes()) {
			refuse(PREFIX + "batch.max-file-size",
					PREFIX + "batch.max-file-size is " + print(maxFileSize)
							+ ", but must be between 1KB and 50000000B (Sitecore's 50MB, read safely).",
					"Set " + PREFIX + "batch.max-file-size to at most 50000000B, or remove it.");
		}
		requireInRange(PREFIX + "batch.upload-timeout", batch.getUploadTimeout());
		if (batch.getMinUploadRate().toBytes() < 1) {
			refuse(PREFIX + "batch.min-upload-rate",
					PREFIX + "batch.min-upload-rate is " + batch.getMinUploadRate() + ", but must be at least 1B.",
					"Set " + PREFIX + "batch.min-upload-rate to the slowest upload rate per second you accept, "
							+ "such as 16KB, or remove it.");
		}
		SitecoreCdpProperties.Retry retry = properties.getRetry();
		if (retry.getMaxAttempts() < 1 || retry.getMaxAttempts() > 20) {
			refuse(PREFIX + "retry.max-attempts",
					PREFIX + "retry.max-attempts is " + retry.getMaxAttempts() + ", but must be between 1 and 20.",
					"Set " + PREFIX + "retry.max-attempts to 1 (no retries) up to 20, or remove it.");
		}
		requireInRange(PREFIX + "retry.initial-backoff", retry.getInitialBackoff());
		requireInRange(PREFIX + "retry.max-backoff", retry.getMaxBackoff());
		requireInRange(PREFIX + "retry.max-elapsed", retry.getMaxElapsed());
		if (retry.getInitialBackoff().compareTo(retry.getMaxBackoff()) > 0) {
			refuse(PREFIX + "retry.initial-backoff",
					PREFIX + "retry.initial-backoff (" + printExactly(retry.getInitialBackoff()) + ") is longer than "
							+ PREFIX + "retry.max-backoff (" + printExactly(retry.getMaxBackoff()) + ").",
					"Set " + PREFIX + "retry.initial-backoff to at most " + PREFIX + "retry.max-backoff.");
		}
		validateTokenStore(properties.getToken());
		validateRealtime(properties);
		validateFlows(properties.getFlows());
	}

	private void validateRealtime(SitecoreCdpProperties properties) {
		SitecoreCdpProperties.Realtime realtime = properties.getRealtime();
		String prefix = PREFIX + "realtime.";
		if (!LANGUAGE.matcher(realtime.getLanguage()).matches()) {
			refuse(prefix + "language", prefix + "language is '" + realtime.getLanguage()
					+ "', but Sitecore takes an ISO 639-1 code in upper case.",
					"Set " + prefix + "language to two upper-case letters, such as EN, or remove it.");
		}
		String currency = realtime.getCurrency();
		if (currency != null && !CURRENCY.matcher(currency).matches()) {
			refuse(prefix + "currency", prefix + "currency is '" + currency
					+ "', but Sitecore takes an ISO 4217 code in upper case.",
					"Set " + prefix + "currency to three upper-case letters, such as EUR.");
		}
		if (realtime.getPointOfSale() != null) {
			if (!StringUtils.hasText(realtime.getClientKey()) && !StringUtils.hasText(properties.getBasicAuth().getClientKey())) {
				refuse(prefix + "client-key", prefix + "point-of-sale is set, but neither " + prefix
						+ "client-key nor " + PREFIX + "basic-auth.client-key is: events and flow calls need the "
						+ "tenant's client key.",
						"Set " + prefix + "client-key to the client key shown in Sitecore CDP under Settings > API "
								+ "access, or remove " + prefix + "point-of-sale.");
			}
			if (currency == null) {
				refuse(prefix + "currency", prefix + "point-of-sale is set, but " + prefix
						+ "currency is not: Sitecore requires a currency on every event.",
						"Set " + prefix + "currency to the ISO 4217 code of the point of sale, such as EUR.");
			}
		}
		SitecoreCdpProperties.Events events = properties.getEvents();
		String eventsPrefix = PREFIX + "events.";
		requirePositive(eventsPrefix + "queue-capacity", events.getQueueCapacity());
		requirePositive(eventsPrefix + "max-in-flight", events.getMaxInFlight());
		requirePositive(eventsPrefix + "browser-ref-cache-size", events.getBrowserRefCacheSize());
		requirePositive(eventsPrefix + "queue-max-bytes", events.getQueueMaxBytes().toBytes());
		requireAtMost(eventsPrefix + "queue-capacity", events.getQueueCapacity(), CdpEventSender.MAX_QUEUE_CAPACITY);
		requireAtMost(eventsPrefix + "queue-max-bytes", events.getQueueMaxBytes().toBytes(),
				CdpEventSender.MAX_QUEUE_BYTES);
		requireInRange(eventsPrefix + "browser-ref-expiry", events.getBrowserRefExpiry());
		requireInRange(eventsPrefix + "shutdown-timeout", events.getShutdownTimeout());
		requireInRange(eventsPrefix + "drop-log-interval", events.getDropLogInterval());
	}

	private void requireAtMost(String property, long value, long most) {
		if (value > most) {
			refuse(property, property + " is " + value + ", but the event queue holds at most " + most + ".",
					"Set " + property + " to " + most + " or less, or remove it to use the default.");
		}
	}

	private void requirePositive(String property, long value) {
		if (value < 1) {
			refuse(property, property + " is " + value + ", but must be at least 1.",
					"Set " + property + " to a positive value, or remove it to use the default.");
		}
	}

	private void validateFlows(SitecoreCdpProperties.Flows flows) {
		requireInRange(PREFIX + "flows.deadline", flows.getDeadline());
		requireInRange(PREFIX + "flows.open-duration", flows.getOpenDuration());
		if (flows.getFailureThreshold() < 1 || flows.getFailureThreshold() > 1000) {
			refuse(PREFIX + "flows.failure-threshold",
					PREFIX + "flows.failure-threshold is " + flows.getFailureThreshold()
							+ ", but must be between 1 and 1000.",
					"Set " + PREFIX + "flows.failure-threshold to the failed calls in a row that open the circuit, "
							+ "such as 5, or remove it.");
		}
		requireInRange(PREFIX + "flows.cache.ttl", flows.getCache().getTtl());
		requirePositive(PREFIX + "flows.cache.max-size", flows.getCache().getMaxSize());
	}

	private void validateTokenStore(SitecoreCdpProperties.Token token) {
		if (token.getStore() != SitecoreCdpProperties.Token.Store.REDIS) {
			return;
		}
		if (!StringUtils.hasText(token.getRedis().getKeyPrefix())) {
			refuse(PREFIX + "token.redis.key-prefix",
					PREFIX + "token.redis.key-prefix is empty.",
					"Set " + PREFIX + "token.redis.key-prefix to the start of the keys, or remove it.");
		}
		Duration timeout = token.getRedis().getTimeout();
		// As documented, 1 ms to 1 minute: a sub-millisecond wait would time out nearly every command.
		if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
			refuse(PREFIX + "token.redis.timeout",
					PREFIX + "token.redis.timeout is " + timeout + ", but must be between 1ms and 1m.",
					"Set " + PREFIX + "token.redis.timeout to how long one Redis command may take (such as 500ms).");
		}
	}

	/**
	 * Checks what a named registration sets itself, naming its own properties, then the
	 * token settings it ends up with after taking the rest from {@code sitecore.cdp.*}.
	 */
	private void validateClient(String name, SitecoreCdpProperties.Client client,
			SitecoreCdpProperties defaults) {
		String prefix = CdpRegistration.prefixOf(name);
		if (!VALID_NAME.matcher(name).matches() || name.equals(CdpRegistration.DEFAULT_NAME)) {
			refuse(prefix.substring(0, prefix.length() - 1),
					prefix.substring(0, prefix.length() - 1) + " names a registration '" + name
							+ "', which is not a valid registration name.",
					"Name registrations with lower-case letters, digits and hyphens, such as personalize or "
							+ "xm-cloud; 'default' is the name of the registration of sitecore.cdp.api-key.");
			return;
		}
		requireText(prefix + "api-key", client.getApiKey(), "the API key (the OAuth2 client_id)");
		requireText(prefix + "api-secret", client.getApiSecret(), "the API secret (the OAuth2 client_secret)");
		if (client.getTokenUri() != null) {
			requireSafeUrl(prefix + "token-uri", client.getTokenUri());
		}
		if (client.getBaseUrl() != null) {
			requireSafeUrl(prefix + "base-url", client.getBaseUrl());
		}
		String audience = client.getAudience();
		if (audience != null) {
			requireAudience(prefix, audience);
			if (!audience.equals(defaults.getAudience()) && client.getBaseUrl() == null && client.getRegion() == null) {
				// Its tokens are for another API: sent to the default's host they could only be refused.
				refuse(prefix + "base-url",
						prefix + "audience (" + audience + ") differs from sitecore.cdp.audience, but the "
								+ "registration sets no base-url or region, so its tokens would go to the API of "
								+ "sitecore.cdp.*.",
						"Set " + prefix + "base-url to the API that audience serves.");
			}
		}
		requireInRangeIfSet(prefix + "connect-timeout", client.getConnectTimeout());
		requireInRangeIfSet(prefix + "response-timeout", client.getResponseTimeout());
		SitecoreCdpProperties.ClientToken token = client.getToken();
		requireInRangeIfSet(prefix + "token.connect-timeout", token.getConnectTimeout());
		requireInRangeIfSet(prefix + "token.response-timeout", token.getResponseTimeout());
		requireInRangeIfSet(prefix + "token.refresh-ahead", token.getRefreshAhead());
		requireInRangeIfSet(prefix + "token.expiry-margin", token.getExpiryMargin());
		requireInRangeIfSet(prefix + "token.initial-backoff", token.getInitialBackoff());
		requireInRangeIfSet(prefix + "token.max-backoff", token.getMaxBackoff());
		SitecoreCdpProperties.Token inherited = defaults.getToken();
		requireConsistentToken(prefix, or(token.getRefreshAhead(), inherited.getRefreshAhead()),
				or(token.getExpiryMargin(), inherited.getExpiryMargin()),
				or(token.getInitialBackoff(), inherited.getInitialBackoff()),
				or(token.getMaxBackoff(), inherited.getMaxBackoff()));
	}

	private static Duration or(@Nullable Duration value, Duration fallback) {
		return (value != null) ? value : fallback;
	}

	private void requireAudience(String prefix, String audience) {
		if (!StringUtils.hasText(audience)) {
			refuse(prefix + "audience", prefix + "audience is empty.",
					"Remove " + prefix + "audience to use " + (prefix.equals(PREFIX) ? "https://api.sitecorecloud.io"
							: "sitecore.cdp.audience") + ", or set the audience Sitecore told you to use.");
		}
	}

	private void requireConsistentToken(String prefix, Duration refreshAhead, Duration expiryMargin,
			Duration initialBackoff, Duration maxBackoff) {
		if (expiryMargin.compareTo(refreshAhead) >= 0) {
			refuse(prefix + "token.expiry-margin",
					prefix + "token.expiry-margin (" + print(expiryMargin) + ") is not shorter than " + prefix
							+ "token.refresh-ahead (" + print(refreshAhead)
							+ "), so there would be no time to refresh a token before calls must wait for it.",
					"Make " + prefix + "token.expiry-margin shorter than " + prefix
							+ "token.refresh-ahead (defaults: 60s and 5m).");
		}
		if (initialBackoff.compareTo(maxBackoff) > 0) {
			refuse(prefix + "token.initial-backoff",
					prefix + "token.initial-backoff (" + print(initialBackoff) + ") is longer than " + prefix
							+ "token.max-backoff (" + print(maxBackoff) + ").",
					"Make " + prefix + "token.initial-backoff at most " + prefix
							+ "token.max-backoff (defaults: 1s and 30s).");
		}
	}

	private void requireInRangeIfSet(String property, @Nullable Duration value) {
		if (value != null) {
			requireInRange(property, value);
		}
	}

	private void requireText(String property, @Nullable String value, String what) {
		requireText(property, value, what, "to get access tokens",
				" of a Sitecore Cloud Portal API key. " + WHERE_TO_GET_KEYS);
	}

	private void requireText(String property, @Nullable String value, String what, String purpose,
			String source) {
		String variable = property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
		if (!StringUtils.hasText(value)) {
			refuse(property,
					property + " is not set: the Sitecore CDP client needs " + what + " " + purpose + ".",
					"Set " + property + " (or the environment variable " + variable + ") to " + what + source);
			return;
		}
		Matcher placeholder = PLACEHOLDER.matcher(value);
		if (placeholder.find()) {
			// Spring leaves a placeholder it cannot resolve as it is: sent as the client_id, it
			// would make Sitecore's "access denied" blame the key.
			// Only the name: the rest of the value may be part of a secret.
			String missing = placeholder.group(1);
			refuse(property,
					property + " holds the unresolved placeholder ${" + missing + "}: no property or environment "
							+ "variable " + missing + " is defined.",
					"Set the environment variable " + missing + ", or drop the placeholder: the environment "
							+ "variable " + variable + " sets " + property + " without one.");
			return;
		}
		if (!value.equals(value.strip())) {
			// Environment variables and copied values keep a stray space, tab or line break,
			// which Sitecore would take as part of the credential and refuse as a wrong one.
			refuse(property, property + " starts or ends with white space (a space, tab or line break), which "
					+ "would be sent as part of " + what + ".",
					"Remove the white space around the value of " + property + " (or of the environment variable "
							+ variable + ").");
		}
	}

	private void requireSafeUrl(String property, URI url) {
		if (!url.isAbsolute() || url.getHost() == null) {
			refuse(property,
					property + " (" + printable(url) + ") is not an absolute URL with a host.",
					"Set " + property + " to an absolute https URL, such as https://host/path.");
			return;
		}
		if (url.getUserInfo() != null) {
			refuse(property,
					property + " (" + printable(url) + ") contains user information.",
					"Remove the user information from " + property
							+ "; credentials belong in the api-key and api-secret properties.");
			return;
		}
		String scheme = url.getScheme().toLowerCase(Locale.ROOT);
		if (scheme.equals("https") || (scheme.equals("http") && isLoopback(url.getHost()))) {
			return;
		}
		if (!scheme.equals("http")) {
			// A typo such as htps:// would otherwise read as a security refusal.
			refuse(property, property + " (" + printable(url) + ") has the scheme '" + url.getScheme()
					+ "', which is no scheme the client can call: only https (and http on loopback) are taken.",
					"Correct the scheme of " + property + " to https, such as https://host/path.");
			return;
		}
		refuse(property,
				property + " (" + printable(url) + ") does not use https: the API secret and access tokens "
						+ "would cross the network unencrypted.",
				"Use an https URL for " + property
						+ ". Plain http is accepted only for loopback hosts (localhost, 127.0.0.0/8, [::1]) in tests.");
	}

	private void requireInRange(String property, Duration value) {
		if (value.compareTo(MIN_DURATION) < 0 || value.compareTo(MAX_DURATION) > 0) {
			String what = (value.isNegative() || value.isZero()) ? "must be longer than zero"
					: "must be between " + RANGE;
			refuse(property,
					property + " is " + printExactly(value) + ", but " + what + ".", "Set " + property
							+ " to a duration between " + RANGE + ", such as 10s, or remove it to use the default.");
		}
	}

	/**
	 * Prints in the largest unit that shows the value exactly: {@code 500us} must not read
	 * as {@code 0ms}.
	 */
	private static String printExactly(Duration duration) {
		// Whole seconds and nanoseconds apart: toNanos() would overflow on the very values
		// this reports.
		if (duration.isZero()) {
			return "0s";
		}
		if (duration.getNano() == 0) {
			for (ChronoUnit unit : List.of(ChronoUnit.DAYS, ChronoUnit.HOURS, ChronoUnit.MINUTES)) {
				if (duration.getSeconds() % unit.getDuration().getSeconds() == 0) {
					return DurationStyle.SIMPLE.print(duration, unit);
				}
			}
			return DurationStyle.SIMPLE.print(duration, ChronoUnit.SECONDS);
		}
		ChronoUnit unit = (duration.getNano() % 1_000_000 == 0) ? ChronoUnit.MILLIS : ChronoUnit.MICROS;
		return DurationStyle.SIMPLE.print(duration, unit);
	}

	/** In the largest unit that shows the size exactly, as it was most likely written. */
	private static String print(DataSize size) {
		for (DataUnit unit : List.of(DataUnit.TERABYTES, DataUnit.GIGABYTES, DataUnit.MEGABYTES, DataUnit.KILOBYTES)) {
			long perUnit = DataSize.of(1, unit).toBytes();
			if (size.toBytes() != 0 && size.toBytes() % perUnit == 0) {
				return (size.toBytes() / perUnit) + unit.name().substring(0, 1) + "B";
			}
		}
		return size.toBytes() + "B";
	}

	private static String print(Duration duration) {
		return DurationStyle.SIMPLE.print(duration);
	}

	private static boolean isLoopback(String host) {
		String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
		return bare.equalsIgnoreCase("localhost") || IPV4_LOOPBACK.matcher(bare).matches() || bare.equals("::1")
				|| bare.equals("0:0:0:0:0:0:0:1");
	}

	private static String printable(URI url) {
		// Never echo user information: it may hold a password.
		if (url.getRawUserInfo() == null) {
			return url.toString();
		}
		return url.toString().replace(url.getRawUserInfo() + "@", "****@");
	}

}

package io.github.sitecorecdp.fake;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.github.sitecorecdp.fake.RecordedCdpRequest.Kind;

/**
 * A fake Sitecore CDP on loopback: a {@link FakeTokenEndpoint}, a {@link FakeCdpApi} that
 * accepts its tokens, and the API's {@link FakeFileHost}, each a real HTTP server on its
 * own origin, as at Sitecore. Use it to test code that calls Sitecore CDP without
 * Sitecore; reach each server through {@link #tokenEndpoint()}, {@link #api()} and
 * {@link #fileHost()} for the finer controls, or use the shortcuts here.
 * <p>
 * In Spring Boot tests, {@code @AutoConfigureFakeSitecoreCdp} (in
 * {@code sitecore-cdp-spring-boot-starter-test}) starts one and points
 * {@code sitecore.cdp.*} at it.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class FakeSitecoreCdp implements AutoCloseable {

	/** API key the fake accepts unless {@link #credentials} says otherwise. */
	public static final String API_KEY = FakeTokenEndpoint.API_KEY;

	/** API secret the fake accepts unless {@link #credentials} says otherwise. */
	public static final String API_SECRET = FakeTokenEndpoint.API_SECRET;

	/** The audience the fake requires, Sitecore's. */
	public static final String AUDIENCE = FakeTokenEndpoint.AUDIENCE;

	/**
	 * The second API key of the demo data, for a Personalize registration: the key of
	 * {@link #addRegistration addRegistration("personalize")}.
	 */
	public static final String PERSONALIZE_API_KEY = "fake-personalize-key";

	/** The secret of {@link #PERSONALIZE_API_KEY}. */
	public static final String PERSONALIZE_API_SECRET = "fake-personalize-secret";

	/** What the starter accepts as a registration name, and {@code default} is taken. */
	private static final Pattern REGISTRATION_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

	/** Path of the token endpoint. */
	public static final String TOKEN_PATH = FakeTokenEndpoint.PATH;

	private final Journal journal = new Journal();

	private final FakeTokenEndpoint tokenEndpoint;

	private final FakeCdpApi api;

	/** Names of the registrations {@link #properties()} sets up, besides the default one. */
	private final Set<String> registrations = new CopyOnWriteArraySet<>();

	private FakeSitecoreCdp(Clock clock, @Nullable FakeTls tls, Ports ports) {
		this.tokenEndpoint = new FakeTokenEndpoint(clock, tls, this.journal, ports.token());
		try {
			this.api = new FakeCdpApi(this.tokenEndpoint, clock, tls, this.journal, ports.api(), ports.file());
		}
		catch (RuntimeException ex) {
			this.tokenEndpoint.close();
			throw ex;
		}
	}

	/**
	 * Start a fake on free loopback ports, with the system clock.
	 * @return the running fake
	 */
	public static FakeSitecoreCdp start() {
		return start(Clock.systemUTC());
	}

	/**
	 * Start a fake that judges token and file-URL expiry by the given clock.
	 * @param clock the clock
	 * @return the running fake
	 */
	public static FakeSitecoreCdp start(Clock clock) {
		return start(clock, null);
	}

	/**
	 * Start a fake whose servers serve HTTPS with the given certificate.
	 * @param clock the clock
	 * @param tls the server certificate, or {@code null} for plain HTTP
	 * @return the running fake
	 */
	public static FakeSitecoreCdp start(Clock clock, @Nullable FakeTls tls) {
		return new FakeSitecoreCdp(clock, tls, Ports.ANY);
	}

	/** Start a fake on chosen ports, as {@link FakeSitecoreCdpServer} does. */
	static FakeSitecoreCdp startOn(Ports ports, Clock clock) {
		return new FakeSitecoreCdp(clock, null, ports);
	}

	// Servers

	/**
	 * Return the fake's token endpoint.
	 * @return the token endpoint
	 */
	public FakeTokenEndpoint tokenEndpoint() {
		return this.tokenEndpoint;
	}

	/**
	 * Return the fake's API.
	 * @return the API
	 */
	public FakeCdpApi api() {
		return this.api;
	}

	/**
	 * Return the host of the fake's export files.
	 * @return the file host
	 */
	public FakeFileHost fileHost() {
		return this.api.fileHost();
	}

	// Addresses

	/**
	 * Return the base URL of the fake's API, for {@code sitecore.cdp.base-url}.
	 * @return the base URL
	 */
	public URI baseUrl() {
		return this.api.baseUrl();
	}

	/**
	 * Return the fake's token endpoint, for {@code sitecore.cdp.token-uri}.
	 * @return the token endpoint
	 */
	public URI tokenUri() {
		return this.tokenEndpoint.uri();
	}

	/**
	 * Return the base URL of the file host, a different origin from the API's.
	 * @return the file host's base URL
	 */
	public URI fileBaseUrl() {
		return this.api.fileHost().baseUrl();
	}

	/**
	 * Return the {@code sitecore.cdp.*} properties that point the starter at this fake: the
	 * OAuth key, the Batch API's Basic credentials, and status polls of batches a few
	 * milliseconds apart instead of seconds, as the fake processes a batch at once; then,
	 * for each {@link #addRegistration named registration}, its key, secret, token URI,
	 * audience and base URL under {@code sitecore.cdp.clients.<name>.*}.
	 * @return property names and values
	 */
	public Map<String, String> properties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("sitecore.cdp.api-key", this.tokenEndpoint.apiKey());
		properties.put("sitecore.cdp.api-secret", this.tokenEndpoint.apiSecret());
		properties.put("sitecore.cdp.token-uri", tokenUri().toString());
		properties.put("sitecore.cdp.base-url", baseUrl().toString());
		properties.put("sitecore.cdp.basic-auth.client-key", FakeBatches.CLIENT_KEY);
		properties.put("sitecore.cdp.basic-auth.api-token", FakeBatches.API_TOKEN);
		properties.put("sitecore.cdp.batch.poll-interval", "10ms");
		properties.put("sitecore.cdp.batch.max-poll-interval", "100ms");
		for (String name : this.registrations) {
			String prefix = "sitecore.cdp.clients." + name + ".";
			properties.put(prefix + "api-key", registrationApiKey(name));
			properties.put(prefix + "api-secret", registrationApiSecret(name));
			properties.put(prefix + "token-uri", tokenUri().toString());
			// The fake's API serves Sitecore CDP's audience only; an application's own
			// audience for this registration (Experience Edge's) would be refused.
			properties.put(prefix + "audience", AUDIENCE);
			properties.put(prefix + "base-url", baseUrl().toString());
		}
		return properties;
	}

	/**
	 * Return what the runnable fake prints: {@link #properties()} and the real-time
	 * properties that turn the event sender and flow client on, with the point of sale
	 * the fake's Stream API accepts (any other is answered {@code 201} and dropped, as
	 * Sitecore does). Not in {@link #properties()}: a test that uses the fake for tokens
	 * or batches would otherwise start a sender it never asked for.
	 * @return the properties, in print order
	 */
	Map<String, String> programProperties() {
		Map<String, String> properties = new LinkedHashMap<>(properties());
		properties.put("sitecore.cdp.realtime.point-of-sale", FakeStreamApi.POINT_OF_SALE);
		properties.put("sitecore.cdp.realtime.currency", "EUR");
		return properties;
	}

	/**
	 * Return the API key the fake gives a named registration:
	 * {@code fake-<name>-key}.
	 * @param name the registration's name
	 * @return the API key
	 */
	public static String registrationApiKey(String name) {
		return "fake-" + name + "-key";
	}

	/**
	 * Return the API secret the fake gives a named registration:
	 * {@code fake-<name>-secret}.
	 * @param name the registration's name
	 * @return the API secret
	 */
	public static String registrationApiSecret(String name) {
		return "fake-" + name + "-secret";
	}

	/**
	 * Give a named registration ({@code sitecore.cdp.clients.<name>}) an API key of its own
	 * at the token endpoint ({@link #registrationApiKey}, with
	 * {@link #registrationApiSecret}), for Sitecore's audience and this fake's API, and add
	 * it to {@link #properties()}. Its tokens are its own: tell them apart in the journal by
	 * the {@code client_id} of token requests and by
	 * {@link FakeTokenEndpoint#apiKeyOf(String)} of API requests' bearer tokens. A key the
	 * endpoint already accepts (the demo data's {@link #PERSONALIZE_API_KEY}) keeps its
	 * scope.
	 * @param name the registration's name: lower-case letters, digits and hyphens, not
	 * {@code default}
	 * @return this fake
	 * @throws IllegalArgumentException if the name is not one the starter accepts
	 */
	public FakeSitecoreCdp addRegistration(String name) {
		if (!REGISTRATION_NAME.matcher(name).matches() || name.equals("default")) {
			throw new IllegalArgumentException("'" + name + "' is not a registration name the starter accepts: use "
					+ "lower-case letters, digits and hyphens, such as personalize or xm-cloud ('default' is the "
					+ "registration of sitecore.cdp.api-key)");
		}
		if (!this.tokenEndpoint.accepts(registrationApiKey(name))) {
			this.tokenEndpoint.addClient(registrationApiKey(name), registrationApiSecret(name), AUDIENCE,
					FakeTokenEndpoint.DEFAULT_SCOPE);
		}
		this.registrations.add(name);
		return this;
	}

	// Fixtures

	/**
	 * Return the Audience export definition with this reference, created on first use.
	 * @param definitionRef the definition's friendly id or UUID
	 * @return the definition, to add jobs to
	 */
	public FakeAudienceExport audienceExport(String definitionRef) {
		return this.api.audienceExport(definitionRef);
	}

	/**
	 * Add the demo data the sample application shows: audience {@code demo-audience} with
	 * one delta job of three files (two of added guests, one of removed guests), and a
	 * second API key ({@link #PERSONALIZE_API_KEY}) whose tokens read three Personalize
	 * flow definitions at {@code GET /v3/flowDefinitions}.
	 * @return this fake
	 */
	public FakeSitecoreCdp withDemoData() {
		DemoData.addTo(this.tokenEndpoint, this.api);
		return this;
	}

	/**
	 * Set the API key and secret the token endpoint accepts.
	 * @param apiKey the API key
	 * @param apiSecret the API secret
	 * @return this fake
	 * @see FakeTokenEndpoint#credentials
	 */
	public FakeSitecoreCdp credentials(String apiKey, String apiSecret) {
		this.tokenEndpoint.credentials(apiKey, apiSecret);
		return this;
	}

	/**
	 * Set the lifetime of tokens issued from now on (default 24 hours, as Sitecore's).
	 * @param lifetime the lifetime
	 * @return this fake
	 * @see FakeTokenEndpoint#tokenLifetime
	 */
	public FakeSitecoreCdp tokenLifetime(Duration lifetime) {
		this.tokenEndpoint.tokenLifetime(lifetime);
		return this;
	}

	/**
	 * Leave {@code expires_in} out of token responses; the token's {@code exp} claim still
	 * tells the lifetime.
	 * @return this fake
	 * @see FakeTokenEndpoint#omitExpiresIn
	 */
	public FakeSitecoreCdp omitExpiresIn() {
		this.tokenEndpoint.omitExpiresIn();
		return this;
	}

	// Controls

	/**
	 * Revoke every token issued so far: API calls with them get {@code 401}.
	 */
	public void revokeTokens() {
		this.tokenEndpoint.revokeTokens();
	}

	/**
	 * Let every token issued so far expire now: API calls with them get {@code 401}.
	 */
	public void expireTokens() {
		this.tokenEndpoint.expireTokens();
	}

	/**
	 * Answer the next token requests with this status instead of a token.
	 * @param count how many requests
	 * @param status the HTTP status, for example 503, 429 or 401
	 * @return this fake
	 */
	public FakeSitecoreCdp failNextTokenRequests(int count, int status) {
		this.tokenEndpoint.failNextTokenRequests(count, status);
		return this;
	}

	/**
	 * Answer the next API requests with this status and CDP's error body.
	 * @param count how many requests
	 * @param status the HTTP status, for example 503, 401 or 400
	 * @return this fake
	 */
	public FakeSitecoreCdp failNextApiRequests(int count, int status) {
		this.api.failNextApiRequests(count, status);
		return this;
	}

	/**
	 * Answer token requests this much later.
	 * @param delay the delay
	 * @return this fake
	 */
	public FakeSitecoreCdp delayTokenResponses(Duration delay) {
		this.tokenEndpoint.delayTokenResponses(delay);
		return this;
	}

	/**
	 * Answer API requests this much later.
	 * @param delay the delay
	 * @return this fake
	 */
	public FakeSitecoreCdp delayApiResponses(Duration delay) {
		this.api.delayApiResponses(delay);
		return this;
	}

	/**
	 * Undo what a test changes in the fake's behaviour, on all three servers: forget the
	 * journal, the scripted failures and delays, and put the settings back
	 * ({@link #credentials} to {@link #API_KEY} and {@link #API_SECRET}, a 24-hour
	 * {@link #tokenLifetime}, {@code expires_in} sent again). Fixtures and issued tokens are
	 * kept, so that the application's cached token stays valid across tests; tokens a test
	 * revoked or expired stay so.
	 */
	public void reset() {
		this.tokenEndpoint.reset();
		this.api.reset();
	}

	// Journal

	/**
	 * Return every request received by the three servers, in the order they were answered.
	 * @return the requests
	 */
	public List<RecordedCdpRequest> requests() {
		return this.journal.all();
	}

	/**
	 * Return the requests that reached one server, oldest first.
	 * @param kind the server
	 * @return the requests
	 */
	public List<RecordedCdpRequest> requests(Kind kind) {
		return this.journal.of(kind);
	}

	/**
	 * Return how many token requests were received.
	 * @return the count
	 */
	public int tokenRequestCount() {
		return this.tokenEndpoint.requestCount();
	}

	/**
	 * Return how many API requests were received.
	 * @return the count
	 */
	public int apiRequestCount() {
		return this.api.requestCount();
	}

	/**
	 * Return how many file requests were received.
	 * @return the count
	 */
	public int fileRequestCount() {
		return this.api.fileHost().requestCount();
	}

	/**
	 * Return how many tokens the token endpoint has issued.
	 * @return the count
	 */
	public int issuedTokenCount() {
		return this.tokenEndpoint.issuedTokenCount();
	}

	@Override
	public void close() {
		this.api.close();
		this.tokenEndpoint.close();
	}

}

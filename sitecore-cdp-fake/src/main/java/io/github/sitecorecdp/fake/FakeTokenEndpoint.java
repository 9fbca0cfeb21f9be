package io.github.sitecorecdp.fake;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import org.jspecify.annotations.Nullable;

import io.github.sitecorecdp.fake.LoopbackServer.Answer;
import io.github.sitecorecdp.fake.RecordedCdpRequest.Kind;

/**
 * A fake of Sitecore Cloud's OAuth2 token endpoint ({@code POST /oauth/token}) on
 * loopback, behaving like Sitecore's: form fields checked, {@code audience} required and
 * checked, a wrong key or secret gets {@code 401 {"error":"access_denied"}}; tokens are
 * unsigned JWTs whose {@code exp} matches {@code expires_in}.
 * <p>
 * It remembers the tokens it issued, so that a {@link FakeCdpApi} accepts only those, and
 * only until they expire by its clock or are revoked. Controls script failures and delays;
 * a journal of requests serves assertions.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class FakeTokenEndpoint implements AutoCloseable {

	/** API key the endpoint accepts unless {@link #credentials} says otherwise. */
	public static final String API_KEY = "fake-api-key";

	/** API secret the endpoint accepts unless {@link #credentials} says otherwise. */
	public static final String API_SECRET = "fake-api-secret";

	/** The audience the endpoint requires, Sitecore's. */
	public static final String AUDIENCE = "https://api.sitecorecloud.io";

	/** Path of the token endpoint. */
	public static final String PATH = "/oauth/token";

	private static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);

	/** Scope of the default key's tokens, and of a named registration's. */
	static final String DEFAULT_SCOPE = "cdp.audience_exports:r";

	private final Clock clock;

	private final Journal journal;

	private final LoopbackServer server;

	private final Map<String, IssuedToken> issuedTokens = new ConcurrentHashMap<>();

	/** Revoked tokens: when they would have expired, and when they were revoked. */
	private final Map<String, Revoked> revokedTokens = new ConcurrentHashMap<>();

	/** Further API keys, besides the default one of {@link #credentials}. */
	private final Map<String, Client> clients = new ConcurrentHashMap<>();

	/** Every token issued, oldest first, with the API key it was issued to; revoking keeps it here. */
	private final Map<String, String> apiKeysOfTokens = new LinkedHashMap<>();

	private final Queue<Answer> scriptedAnswers = new ConcurrentLinkedQueue<>();

	private final AtomicInteger issued = new AtomicInteger();

	private volatile @Nullable Answer failure;

	private volatile Client defaultClient = Client.DEFAULT;

	private volatile Duration lifetime = DEFAULT_LIFETIME;

	private volatile boolean sendExpiresIn = true;

	private volatile @Nullable IntFunction<String> tokenValues;

	private volatile Duration delay = Duration.ZERO;

	FakeTokenEndpoint(Clock clock, @Nullable FakeTls tls, Journal journal, int port) {
		this.clock = clock;
		this.journal = journal;
		this.server = new LoopbackServer(Kind.TOKEN, journal, tls, port, (request, body) -> answer(request));
	}

	/**
	 * Start a token endpoint on a free loopback port, with the system clock.
	 * @return the running endpoint
	 */
	public static FakeTokenEndpoint start() {
		return start(Clock.systemUTC());
	}

	/**
	 * Start a token endpoint that judges token expiry by the given clock.
	 * @param clock the clock
	 * @return the running endpoint
	 */
	public static FakeTokenEndpoint start(Clock clock) {
		return start(clock, null);
	}

	/**
	 * Start a token endpoint that serves HTTPS with the given certificate.
	 * @param clock the clock
	 * @param tls the server certificate, or {@code null} for plain HTTP
	 * @return the running endpoint
	 */
	public static FakeTokenEndpoint start(Clock clock, @Nullable FakeTls tls) {
		return new FakeTokenEndpoint(clock, tls, new Journal(), 0);
	}

	/**
	 * Return the endpoint's address, for {@code sitecore.cdp.token-uri}.
	 * @return the token URI
	 */
	public URI uri() {
		return URI.create(this.server.baseUrl() + PATH);
	}

	// Settings

	/**
	 * Set the API key and secret the endpoint accepts.
	 * @param apiKey the API key
	 * @param apiSecret the API secret
	 * @return this endpoint
	 */
	public FakeTokenEndpoint credentials(String apiKey, String apiSecret) {
		this.defaultClient = new Client(apiKey, apiSecret, AUDIENCE, DEFAULT_SCOPE, null);
		return this;
	}

	/**
	 * Accept one more API key, as Sitecore issues one per feature (Audience export,
	 * Personalize, XM Cloud, Experience Edge): a token requested with this key and
	 * audience is issued for that audience and scope, and an API that serves another
	 * audience refuses it.
	 * @param apiKey the API key
	 * @param apiSecret its secret
	 * @param audience the audience it must ask for, such as {@code https://api.sitecorecloud.io}
	 * or {@code https://delivery.sitecore.cloud/<tenant-id>}
	 * @param scope the scope of its tokens
	 * @return this endpoint
	 */
	public FakeTokenEndpoint addClient(String apiKey, String apiSecret, String audience, String scope) {
		this.clients.put(apiKey, new Client(apiKey, apiSecret, audience, scope, null));
		return this;
	}

	/**
	 * Accept one more API key whose tokens live a lifetime of their own, such as the 900
	 * seconds Personalize's documentation shows, whatever {@link #tokenLifetime} says.
	 * @param apiKey the API key
	 * @param apiSecret its secret
	 * @param audience the audience it must ask for
	 * @param scope the scope of its tokens
	 * @param lifetime the lifetime of its tokens
	 * @return this endpoint
	 */
	public FakeTokenEndpoint addClient(String apiKey, String apiSecret, String audience, String scope,
			Duration lifetime) {
		this.clients.put(apiKey, new Client(apiKey, apiSecret, audience, scope, lifetime));
		return this;
	}

	/**
	 * Return the API key the endpoint accepts by default.
	 * @return the API key
	 */
	public String apiKey() {
		return this.defaultClient.apiKey();
	}

	/**
	 * Return the API secret of the default API key.
	 * @return the API secret
	 */
	public String apiSecret() {
		return this.defaultClient.apiSecret();
	}

	/**
	 * Set the lifetime of tokens issued from now on (default 24 hours, as Sitecore's).
	 * @param lifetime the lifetime
	 * @return this endpoint
	 */
	public FakeTokenEndpoint tokenLifetime(Duration lifetime) {
		this.lifetime = lifetime;
		return this;
	}

	/**
	 * Leave {@code expires_in} out of token responses; a JWT's {@code exp} claim still
	 * tells the lifetime.
	 * @return this endpoint
	 */
	public FakeTokenEndpoint omitExpiresIn() {
		this.sendExpiresIn = false;
		return this;
	}

	/**
	 * Issue opaque tokens with these values instead of JWTs: the first token issued gets
	 * {@code values.apply(1)}, the next {@code values.apply(2)}, and so on.
	 * @param values the token value for each issue number
	 * @return this endpoint
	 */
	public FakeTokenEndpoint tokenValues(IntFunction<String> values) {
		this.tokenValues = values;
		return this;
	}

	// Controls

	/**
	 * Answer the next token requests with this status and an OAuth2 error body.
	 * @param count how many requests
	 * @param status the HTTP status, for example 503, 429 or 401
	 * @return this endpoint
	 */
	public FakeTokenEndpoint failNextTokenRequests(int count, int status) {
		for (int i = 0; i < count; i++) {
			this.scriptedAnswers.add(Answer.json(status, errorBody(status), Duration.ZERO));
		}
		return this;
	}

	/**
	 * Answer the next token request with exactly this status and body, for answers
	 * Sitecore would never give (an HTML page from a proxy, a malformed token).
	 * @param status the HTTP status
	 * @param body the body, sent as {@code application/json}
	 * @return this endpoint
	 */
	public FakeTokenEndpoint answerNextTokenRequest(int status, String body) {
		this.scriptedAnswers.add(Answer.json(status, body, Duration.ZERO));
		return this;
	}

	/**
	 * Answer every token request with this status and body until {@link #recover()}: an
	 * outage, or credentials that stay refused.
	 * @param status the HTTP status
	 * @param body the body, sent as {@code application/json}
	 * @return this endpoint
	 */
	public FakeTokenEndpoint failTokenRequests(int status, String body) {
		this.failure = Answer.json(status, body, Duration.ZERO);
		return this;
	}

	/**
	 * End what {@link #failTokenRequests} started.
	 * @return this endpoint
	 */
	public FakeTokenEndpoint recover() {
		this.failure = null;
		return this;
	}

	/**
	 * Answer token requests this much later.
	 * @param delay the delay
	 * @return this endpoint
	 */
	public FakeTokenEndpoint delayTokenResponses(Duration delay) {
		this.delay = delay;
		return this;
	}

	/**
	 * Revoke every token issued so far: API calls with them get {@code 401}.
	 */
	public void revokeTokens() {
		this.issuedTokens.keySet().forEach(this::revoke);
	}

	/**
	 * Revoke one token: API calls with it get {@code 401}.
	 * @param token the token
	 */
	public void revoke(String token) {
		IssuedToken issued = this.issuedTokens.remove(token);
		if (issued != null) {
			this.revokedTokens.put(token, new Revoked(issued.expiry(), this.clock.instant()));
		}
	}

	/**
	 * Let every token issued so far expire now: API calls with them get {@code 401}.
	 */
	public void expireTokens() {
		Instant now = this.clock.instant();
		this.issuedTokens.replaceAll((token, issued) -> new IssuedToken(now, issued.audience()));
	}

	/**
	 * Undo what a test changes in the endpoint's behaviour: forget its journal, scripted
	 * answers, failure and delay, and put the settings back (credentials, a 24-hour
	 * lifetime, {@code expires_in} sent, JWTs issued). Issued tokens and the keys of
	 * {@link #addClient} are kept, so that an application's cached tokens stay valid across
	 * tests.
	 */
	public void reset() {
		this.journal.clear(Kind.TOKEN);
		this.scriptedAnswers.clear();
		this.failure = null;
		this.delay = Duration.ZERO;
		this.defaultClient = Client.DEFAULT;
		this.lifetime = DEFAULT_LIFETIME;
		this.sendExpiresIn = true;
		this.tokenValues = null;
	}

	// Journal

	/**
	 * Return the token requests received, oldest first.
	 * @return the requests
	 */
	public List<RecordedCdpRequest> requests() {
		return this.journal.of(Kind.TOKEN);
	}

	/**
	 * Return how many token requests were received.
	 * @return the count
	 */
	public int requestCount() {
		return requests().size();
	}

	/**
	 * Return the last token request received.
	 * @return the request
	 * @throws IllegalStateException if none was received
	 */
	public RecordedCdpRequest lastRequest() {
		List<RecordedCdpRequest> requests = requests();
		if (requests.isEmpty()) {
			throw new IllegalStateException("The token endpoint received no request");
		}
		return requests.get(requests.size() - 1);
	}

	/**
	 * Return how many tokens the endpoint has issued.
	 * @return the count
	 */
	public int issuedTokenCount() {
		return this.issued.get();
	}

	/**
	 * Return the tokens issued, oldest first.
	 * @return the tokens
	 */
	public List<String> issuedTokens() {
		synchronized (this.apiKeysOfTokens) {
			return List.copyOf(this.apiKeysOfTokens.keySet());
		}
	}

	/**
	 * Return the API key a token was issued to, even once it is revoked or expired: with
	 * several keys (named registrations), it tells which one an API request came from.
	 * @param token the token, such as {@link RecordedCdpRequest#bearerToken()}
	 * @return the API key, or empty if the endpoint never issued the token
	 */
	public Optional<String> apiKeyOf(@Nullable String token) {
		if (token == null) {
			return Optional.empty();
		}
		synchronized (this.apiKeysOfTokens) {
			return Optional.ofNullable(this.apiKeysOfTokens.get(token));
		}
	}

	/**
	 * Return whether the endpoint accepts this API key, by default or through
	 * {@link #addClient}.
	 * @param apiKey the API key
	 * @return whether the key is known
	 */
	boolean accepts(String apiKey) {
		return clientOf(apiKey) != null;
	}

	/** Every token issued, oldest first, with what an API would say of it now. */
	List<TokenState> tokenStates() {
		Map<String, String> issued;
		synchronized (this.apiKeysOfTokens) {
			issued = new LinkedHashMap<>(this.apiKeysOfTokens);
		}
		List<TokenState> states = new ArrayList<>(issued.size());
		issued.forEach((token, apiKey) -> {
			IssuedToken live = this.issuedTokens.get(token);
			Revoked revoked = this.revokedTokens.get(token);
			String state = (live == null) ? "revoked"
					: this.clock.instant().isBefore(live.expiry()) ? "valid" : "expired";
			Instant expiresAt = (live != null) ? live.expiry() : (revoked != null) ? revoked.expiry() : null;
			states.add(new TokenState(token, apiKey, state, expiresAt,
					(live == null && revoked != null) ? revoked.at() : null));
		});
		return states;
	}

	/**
	 * Return whether a token was issued here, is not revoked and, by the endpoint's clock,
	 * has not expired.
	 * @param token the token
	 * @return whether an API would accept it
	 */
	public boolean isValid(String token) {
		IssuedToken issued = this.issuedTokens.get(token);
		return issued != null && rejectionOf(token, issued.audience()) == null;
	}

	@Override
	public void close() {
		this.server.close();
	}

	/** Why an API that serves the audience refuses the token, or {@code null} if it accepts it. */
	@Nullable String rejectionOf(String token, String audience) {
		IssuedToken issued = this.issuedTokens.get(token);
		if (issued == null) {
			return "Invalid or revoked token";
		}
		if (!issued.audience().equals(audience)) {
			return "Token was not issued for this API (audience " + issued.audience() + ")";
		}
		return this.clock.instant().isBefore(issued.expiry()) ? null : "Token has expired";
	}

	private Answer answer(RecordedCdpRequest request) {
		if (!request.method().equals("POST") || !request.path().equals(PATH)) {
			return Answer.json(404, oauthError("not_found", "No endpoint at " + request.path()), this.delay);
		}
		Answer scripted = this.scriptedAnswers.poll();
		if (scripted == null) {
			scripted = this.failure;
		}
		if (scripted != null) {
			return new Answer(scripted.status(), scripted.contentType(), scripted.body(), this.delay);
		}
		Map<String, String> form = request.form();
		if (!"client_credentials".equals(form.get("grant_type"))) {
			return Answer.json(400, oauthError("unsupported_grant_type", "Unsupported grant type"), this.delay);
		}
		Client client = clientOf(form.get("client_id"));
		if (client == null || !client.apiSecret().equals(form.get("client_secret"))) {
			return Answer.json(401, oauthError("access_denied", "Unauthorized"), this.delay);
		}
		String audience = form.get("audience");
		if (audience == null) {
			return Answer.json(400, oauthError("invalid_request", "audience is required"), this.delay);
		}
		if (!client.audience().equals(audience)) {
			return Answer.json(403, oauthError("access_denied", "Service not found: " + audience), this.delay);
		}
		return Answer.json(200, issueToken(client), this.delay);
	}

	private @Nullable Client clientOf(@Nullable String apiKey) {
		Client client = this.defaultClient;
		if (client.apiKey().equals(apiKey)) {
			return client;
		}
		return (apiKey != null) ? this.clients.get(apiKey) : null;
	}

	private String issueToken(Client client) {
		Instant now = this.clock.instant();
		Duration own = client.lifetime();
		Duration lifetime = (own != null) ? own : this.lifetime;
		Instant expiry = now.plus(lifetime);
		int number = this.issued.incrementAndGet();
		IntFunction<String> values = this.tokenValues;
		String token = (values != null) ? values.apply(number) : jwt(client, now, expiry);
		this.issuedTokens.put(token, new IssuedToken(expiry, client.audience()));
		synchronized (this.apiKeysOfTokens) {
			this.apiKeysOfTokens.put(token, client.apiKey());
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("access_token", token);
		answer.put("scope", client.scope());
		if (this.sendExpiresIn) {
			answer.put("expires_in", lifetime.toSeconds());
		}
		answer.put("token_type", "Bearer");
		return Json.write(answer);
	}

	/** An unsigned JWT ({@code alg: none}): the starter reads {@code exp}, nothing checks a signature. */
	private static String jwt(Client client, Instant now, Instant expiry) {
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("sub", client.apiKey() + "@clients");
		claims.put("aud", client.audience());
		claims.put("iat", now.getEpochSecond());
		claims.put("exp", expiry.getEpochSecond());
		claims.put("jti", UUID.randomUUID().toString());
		claims.put("scope", client.scope());
		Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
		return base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
				+ base64.encodeToString(Json.write(claims).getBytes(StandardCharsets.UTF_8)) + ".";
	}

	private static String errorBody(int status) {
		if (status == 401 || status == 403) {
			return oauthError("access_denied", "Unauthorized");
		}
		return oauthError((status == 429) ? "too_many_requests" : "server_error", "Injected failure");
	}

	private static String oauthError(String error, String description) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", error);
		body.put("error_description", description);
		return Json.write(body);
	}

	private record Client(String apiKey, String apiSecret, String audience, String scope,
			@Nullable Duration lifetime) {

		static final Client DEFAULT = new Client(API_KEY, API_SECRET, AUDIENCE, DEFAULT_SCOPE, null);

		@Override
		public String toString() {
			return "Client[" + this.apiKey + ", " + this.audience + "]";
		}

	}

	private record IssuedToken(Instant expiry, String audience) {
	}

	private record Revoked(Instant expiry, Instant at) {
	}

	/**
	 * One issued token as the fake's control API lists it.
	 *
	 * @param token the token
	 * @param apiKey the API key it was issued to
	 * @param state {@code valid}, {@code expired} or {@code revoked}
 * @param expiresAt when it expires (or would have, once revoked)
	 * @param revokedAt when it was revoked, or {@code null}
	 */
	record TokenState(String token, String apiKey, String state, @Nullable Instant expiresAt,
			@Nullable Instant revokedAt) {

		@Override
		public String toString() {
			// The token stays out of logs, even a fake's.
			return "TokenState[" + this.apiKey + ", " + this.state + "]";
		}

	}

}

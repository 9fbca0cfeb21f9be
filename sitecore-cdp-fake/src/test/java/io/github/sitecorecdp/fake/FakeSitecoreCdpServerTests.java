package io.github.sitecorecdp.fake;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.sitecorecdp.fake.TestHttp.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runnable fake in a JVM of its own, seen from this one over loopback, as another
 * application or a person would see it: its printed properties, its token endpoint and
 * API, and its control API.
 */
class FakeSitecoreCdpServerTests {

	private static final String DEMO_EXPORT = "/v2/audienceExports/definitions/demo-audience/latestExport";

	private static FakeServerProcess fake;

	private final TestHttp http = new TestHttp();

	@BeforeAll
	static void startFake() throws InterruptedException {
		fake = FakeServerProcess.fromClassPath("--port=0", "--registrations=personalize,edge", "--demo-data")
			.awaitReady();
	}

	@AfterAll
	static void stopFake() throws InterruptedException {
		fake.close();
	}

	@BeforeEach
	void resetFake() {
		assertThat(control("POST", "/reset").status()).isEqualTo(200);
	}

	@Test
	void whenStartedThenThePrintedPropertiesOfEachRegistrationGetATokenOfItsOwnKey() {
		String defaultToken = token(fake.properties().get("sitecore.cdp.api-key"),
				fake.properties().get("sitecore.cdp.api-secret"));
		String edgeToken = token(fake.properties().get("sitecore.cdp.clients.edge.api-key"),
				fake.properties().get("sitecore.cdp.clients.edge.api-secret"));
		String tokens = control("GET", "/tokens").body();
		assertThat(tokens).contains("{\"token\":\"" + defaultToken + "\",\"apiKey\":\"fake-api-key\",\"state\":\"valid\"")
			.contains("{\"token\":\"" + edgeToken + "\",\"apiKey\":\"fake-edge-key\",\"state\":\"valid\"");
		assertThat(fake.properties()).containsEntry("sitecore.cdp.clients.personalize.api-key",
				FakeSitecoreCdp.PERSONALIZE_API_KEY);
	}

	@Test
	void whenTokensAreRevokedThroughTheControlApiThenTheApiRefusesThem() {
		String token = defaultToken();
		assertThat(api(token).status()).isEqualTo(200);
		assertThat(control("POST", "/tokens/revoke").status()).isEqualTo(200);
		Answer refused = api(token);
		assertThat(refused.status()).isEqualTo(401);
		assertThat(refused.body()).contains("revoked");
		// A revoked token keeps the expiry it had, and says when it was revoked.
		assertThat(control("GET", "/tokens").body()).containsPattern(Pattern.quote("{\"token\":\"" + token
				+ "\",\"apiKey\":\"fake-api-key\",\"state\":\"revoked\",\"expiresAt\":\"")
				+ "[0-9T:.Z-]+\",\"revokedAt\":\"[0-9T:.Z-]+\",\"fingerprint\":\""
				+ FakeControlApi.fingerprint(token) + "\"}");
	}

	@Test
	void whenOneTokenIsRevokedThroughTheControlApiThenOthersStayValid() {
		String revoked = defaultToken();
		String kept = defaultToken();
		assertThat(control("POST", "/tokens/revoke?token=" + revoked).status()).isEqualTo(200);
		assertThat(api(revoked).status()).isEqualTo(401);
		assertThat(api(kept).status()).isEqualTo(200);
	}

	@Test
	void whenTheNextTokenRequestsAreToFailThenExactlyThoseGetTheStatus() {
		assertThat(control("POST", "/token-endpoint/fail?count=2&status=503").body())
			.isEqualTo("{\"tokenRequestsToFail\":2,\"status\":503}");
		assertThat(requestToken().status()).isEqualTo(503);
		assertThat(requestToken().status()).isEqualTo(503);
		assertThat(requestToken().status()).isEqualTo(200);
	}

	@Test
	void whenTheNextApiCallsAreToFailThenExactlyThoseGetTheStatus() {
		String token = defaultToken();
		assertThat(control("POST", "/api/fail?status=429").status()).isEqualTo(200);
		assertThat(api(token).status()).isEqualTo(429);
		assertThat(api(token).status()).isEqualTo(200);
	}

	@Test
	void whenTheJournalIsReadThenEachRequestNamesTheKeyItUsedAndItsSender() throws NoSuchAlgorithmException {
		String token = token(FakeSitecoreCdp.PERSONALIZE_API_KEY, FakeSitecoreCdp.PERSONALIZE_API_SECRET);
		api(token);
		// The sender's port changes from run to run; its address and client name do not.
		String sender = ",\"client\":\"127\\.0\\.0\\.1:[0-9]+\",\"userAgent\":\"Java-http-client/[^\"]+\"";
		// The API call names its token as the starter logs it: SHA-256's first 4 bytes.
		String fingerprint = HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)), 0, 4);
		assertThat(control("GET", "/requests").body()).matches("\\["
				+ "\\{\"kind\":\"TOKEN\",\"method\":\"POST\",\"path\":\"/oauth/token\",\"status\":200,"
				+ "\"apiKey\":\"fake-personalize-key\"" + sender + ",\"tokenFingerprint\":null},"
				+ "\\{\"kind\":\"API\",\"method\":\"GET\",\"path\":\"" + Pattern.quote(DEMO_EXPORT)
				+ "\",\"status\":200,\"apiKey\":\"fake-personalize-key\"" + sender + ",\"tokenFingerprint\":\""
				+ fingerprint + "\"}]");
	}

	@Test
	void whenResetThenTheJournalAndScriptedFailuresAreGoneButTokensStayValid() {
		String token = defaultToken();
		control("POST", "/token-endpoint/fail?count=3");
		control("POST", "/reset");
		assertThat(control("GET", "/requests").body()).isEqualTo("[]");
		assertThat(requestToken().status()).isEqualTo(200);
		assertThat(api(token).status()).isEqualTo(200);
	}

	@Test
	void whenAControlParameterIsWrongThenTheAnswerIs400NamingIt() {
		Answer answer = control("POST", "/api/fail?count=2&status=abc");
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.body()).isEqualTo("{\"error\":\"status=abc is not a number from 100 to 599\"}");
		assertThat(control("GET", "/requests").body()).isEqualTo("[]");
	}

	@Test
	void whenEventsAreSentThenTheControlApiListsThemPerBrowserInArrivalOrder() {
		// What the printed properties give an application: the client key and the point of
		// sale the fake accepts.
		String clientKey = fake.properties().get("sitecore.cdp.basic-auth.client-key");
		assertThat(fake.properties()).containsEntry("sitecore.cdp.realtime.point-of-sale", FakeStreamApi.POINT_OF_SALE)
			.containsEntry("sitecore.cdp.realtime.currency", "EUR");
		String ref = browserRef(clientKey);
		assertThat(sendEvent(clientKey, ref, "VIEW", FakeStreamApi.POINT_OF_SALE)).isEqualTo(201);
		assertThat(sendEvent(clientKey, ref, "IDENTITY", FakeStreamApi.POINT_OF_SALE)).isEqualTo(201);
		assertThat(sendEvent(clientKey, ref, "VIEW", "elsewhere.example")).isEqualTo(201);
		String events = control("GET", "/events").body();
		assertThat(events).startsWith("{\"count\":2,\"requests\":3,\"browsers\":{\"" + ref + "\":[")
			.containsPattern("\\[\"[^\\]]*VIEW[^\\]]*\",\"[^\\]]*IDENTITY[^\\]]*\"\\]")
			.contains("\"droppedForPointOfSale\":[\"")
			.contains("elsewhere.example");
		assertThat(control("GET", "/events?browser=unknown-ref").body())
			.startsWith("{\"count\":0,\"requests\":3,\"browsers\":{\"unknown-ref\":[]}");
		control("POST", "/reset");
		assertThat(control("GET", "/events").body())
			.isEqualTo("{\"count\":0,\"requests\":0,\"browsers\":{},\"droppedForPointOfSale\":[]}");
	}

	@Test
	void whenThePropertiesAreAskedForThenTheyAreThePrintedOnes() {
		StringBuilder printed = new StringBuilder();
		fake.properties().forEach((name, value) -> printed.append(name).append('=').append(value).append('\n'));
		assertThat(control("GET", "/properties").body()).isEqualTo(printed.toString());
	}

	@Test
	void whenTheRootIsAskedForThenItListsEveryEndpoint() {
		assertThat(control("GET", "/").body()).contains("GET   /tokens ")
			.contains("POST  /tokens/revoke ")
			.contains("POST  /token-endpoint/fail ")
			.contains("POST  /api/fail ")
			.contains("POST  /reset ");
	}

	@Test
	void whenStoppedThenTheJvmEndsWithoutHavingPrintedAToken() throws InterruptedException {
		FakeServerProcess own = FakeServerProcess.fromClassPath("--port=0").awaitReady();
		String token = this.http.token(own.tokenUri());
		own.close();
		assertThat(own.isAlive()).isFalse();
		assertThat(own.output()).doesNotContain(token).doesNotContain(token.substring(0, 20));
	}

	@Test
	void whenAPortIsTakenThenTheFakeRefusesToStartNamingIt() throws IOException, InterruptedException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			FakeServerProcess own = FakeServerProcess.fromClassPath("--port=0",
					"--api-port=" + taken.getLocalPort());
			assertThat(own.awaitExit()).isEqualTo(1);
			assertThat(own.output()).contains("Could not start the fake Sitecore CDP")
				.contains(String.valueOf(taken.getLocalPort()))
				.contains("--port");
		}
	}

	@Test
	void whenAnOptionIsUnknownThenTheFakeSaysWhichAndShowsTheUsage() throws InterruptedException {
		FakeServerProcess own = FakeServerProcess.fromClassPath("--prot=8089");
		assertThat(own.awaitExit()).isEqualTo(2);
		assertThat(own.output()).contains("Unknown option --prot").contains("Usage: java -jar");
	}

	@Test
	void whenStartedThenEachOfItsServersListensOn127001Only() throws IOException {
		Matcher printed = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)").matcher(fake.output());
		Set<Integer> ports = new TreeSet<>();
		while (printed.find()) {
			ports.add(Integer.parseInt(printed.group(1)));
		}
		// Token endpoint, API, file host and control API.
		assertThat(ports).hasSize(4);
		// Another loopback address (all of 127/8 is loopback on Linux) and every address of
		// this machine's interfaces: a server bound to the wildcard address would answer there.
		List<InetAddress> elsewhere = new ArrayList<>();
		elsewhere.add(InetAddress.getByName("127.0.0.2"));
		Collections.list(NetworkInterface.getNetworkInterfaces())
			.forEach((network) -> network.inetAddresses()
				.filter((address) -> !address.isLoopbackAddress() && !address.isLinkLocalAddress())
				.forEach(elsewhere::add));
		for (int port : ports) {
			assertThat(connects(InetAddress.getByName("127.0.0.1"), port)).as("127.0.0.1:%d", port).isTrue();
			for (InetAddress address : elsewhere) {
				assertThat(connects(address, port)).as("%s:%d", address.getHostAddress(), port).isFalse();
			}
		}
	}

	private static boolean connects(InetAddress address, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(address, port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private String defaultToken() {
		return token(FakeSitecoreCdp.API_KEY, FakeSitecoreCdp.API_SECRET);
	}

	private String token(String key, String secret) {
		Answer answer = this.http.requestToken(fake.tokenUri(), key, secret, FakeSitecoreCdp.AUDIENCE);
		assertThat(answer.status()).isEqualTo(200);
		Matcher token = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(answer.body());
		assertThat(token.find()).isTrue();
		return token.group(1);
	}

	private Answer requestToken() {
		return this.http.requestToken(fake.tokenUri(), FakeSitecoreCdp.API_KEY, FakeSitecoreCdp.API_SECRET,
				FakeSitecoreCdp.AUDIENCE);
	}

	private Answer api(String token) {
		return this.http.get(URI.create(fake.baseUrl() + DEMO_EXPORT), token);
	}

	private String browserRef(String clientKey) {
		Answer answer = this.http.exchange(HttpRequest
			.newBuilder(URI.create(fake.baseUrl() + "/v1.2/browser/create.json?client_key=" + clientKey + "&message=%7B%7D")));
		assertThat(answer.status()).isEqualTo(200);
		Matcher ref = Pattern.compile("\"ref\":\"([^\"]+)\"").matcher(answer.body());
		assertThat(ref.find()).isTrue();
		return ref.group(1);
	}

	private int sendEvent(String clientKey, String ref, String type, String pointOfSale) {
		String message = "{\"type\":\"" + type + "\",\"channel\":\"WEB\",\"language\":\"EN\",\"currency\":\"EUR\","
				+ "\"page\":\"/p\",\"pos\":\"" + pointOfSale + "\",\"browser_id\":\"" + ref + "\"}";
		return this.http.exchange(HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/v1.2/event/create.json?client_key="
				+ clientKey + "&message=" + URLEncoder.encode(message, StandardCharsets.UTF_8)))).status();
	}

	private Answer control(String method, String pathAndQuery) {
		return this.http.exchange(HttpRequest.newBuilder(URI.create(fake.controlUrl() + pathAndQuery))
			.method(method, HttpRequest.BodyPublishers.noBody()));
	}

}

package io.github.sitecorecdp.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.sitecorecdp.audience.AudienceExportClient;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.fake.RecordedCdpRequest;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpCredentialsRejectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.service.annotation.GetExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Several API keys in one application: the default registration of
 * {@code sitecore.cdp.api-key} and named ones under {@code sitecore.cdp.clients}, against
 * one token endpoint and an API per registration.
 */
class NamedRegistrationsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String EDGE_AUDIENCE = "https://delivery.sitecore.cloud/tenant-1";

	private final FakeTokenEndpoint tokens = FakeTokenEndpoint.start()
		.credentials("cdp-key", "cdp-secret")
		.addClient("personalize-key", "personalize-secret", FakeTokenEndpoint.AUDIENCE, "personalize.flows:r")
		.addClient("edge-key", "edge-secret", EDGE_AUDIENCE, "edge.admin");

	private final FakeCdpApi cdpApi = FakeCdpApi.start(this.tokens).stub("/**", EchoPath::json);

	private final FakeCdpApi personalizeApi = FakeCdpApi.start(this.tokens).stub("/**", EchoPath::json);

	private final FakeCdpApi edgeApi = FakeCdpApi.start(this.tokens).servesAudience(EDGE_AUDIENCE)
		.stub("/**", EchoPath::json);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(BootLine.webClientAutoConfiguration(),
				BootLine.restClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.token-uri=" + this.tokens.uri(),
				"sitecore.cdp.clients.personalize.api-key=personalize-key",
				"sitecore.cdp.clients.personalize.api-secret=personalize-secret",
				"sitecore.cdp.clients.personalize.base-url=" + this.personalizeApi.baseUrl(),
				"sitecore.cdp.clients.edge.api-key=edge-key", "sitecore.cdp.clients.edge.api-secret=edge-secret",
				"sitecore.cdp.clients.edge.audience=" + EDGE_AUDIENCE,
				"sitecore.cdp.clients.edge.base-url=" + this.edgeApi.baseUrl());

	private final ApplicationContextRunner withDefault = this.contextRunner.withPropertyValues(
			"sitecore.cdp.api-key=cdp-key", "sitecore.cdp.api-secret=cdp-secret",
			"sitecore.cdp.base-url=" + this.cdpApi.baseUrl());

	@AfterEach
	void stop() {
		this.cdpApi.close();
		this.personalizeApi.close();
		this.edgeApi.close();
		this.tokens.close();
	}

	@Test
	void whenThreeKeysAreConfiguredThenEachCallCarriesItsOwnRegistrationsToken() {
		this.withDefault.run((context) -> {
			CdpClients clients = context.getBean(CdpClients.class);
			assertThat(clients.names()).containsExactly("default", "personalize", "edge");
			get(context.getBean("cdpWebClient", WebClient.class), "/v2/cdp");
			get(clients.webClient("personalize"), "/v3/flowDefinitions");
			clients.restClient("edge").get().uri("/v1/webhooks").retrieve().body(String.class);
			get(clients.webClient("default"), "/v2/cdp-again");
		});
		assertThat(this.tokens.requests()).extracting((request) -> request.form().get("client_id"))
			.containsExactlyInAnyOrder("cdp-key", "personalize-key", "edge-key");
		assertThat(this.tokens.issuedTokens()).hasSize(3).doesNotHaveDuplicates();
		assertThat(this.cdpApi.requests()).extracting(RecordedCdpRequest::status).containsExactly(200, 200);
		assertThat(this.personalizeApi.requests()).extracting(RecordedCdpRequest::status).containsExactly(200);
		assertThat(this.edgeApi.requests()).extracting(RecordedCdpRequest::status).containsExactly(200);
		assertThat(List.of(token(this.cdpApi), token(this.personalizeApi), token(this.edgeApi)))
			.doesNotHaveDuplicates();
	}

	@Test
	void whenTheDefaultClientsAreAskedByNameThenTheyAreTheBeans() {
		this.withDefault.run((context) -> {
			CdpClients clients = context.getBean(CdpClients.class);
			assertThat(clients.webClient(CdpClients.DEFAULT)).isSameAs(context.getBean("cdpWebClient"));
			assertThat(clients.restClient(CdpClients.DEFAULT)).isSameAs(context.getBean("cdpRestClient"));
			assertThat(clients.tokenManager(CdpClients.DEFAULT)).isSameAs(context.getBean(CdpAccessTokenManager.class));
		});
	}

	@Test
	void whenOneKeyIsRejectedThenTheOtherRegistrationsKeepWorking() {
		this.withDefault.withPropertyValues("sitecore.cdp.clients.personalize.api-secret=revoked").run((context) -> {
			CdpClients clients = context.getBean(CdpClients.class);
			assertThatExceptionOfType(WebClientRequestException.class)
				.isThrownBy(() -> get(clients.webClient("personalize"), "/v3/flowDefinitions"))
				.withCauseInstanceOf(CdpCredentialsRejectedException.class)
				.withMessageContaining("sitecore.cdp.clients.personalize.api-secret");
			get(clients.webClient("edge"), "/v1/webhooks");
			get(context.getBean("cdpWebClient", WebClient.class), "/v2/cdp");
		});
		assertThat(this.personalizeApi.requestCount()).isZero();
		assertThat(this.edgeApi.requestCount()).isOne();
		assertThat(this.cdpApi.requestCount()).isOne();
	}

	@Test
	void whenEightThreadsCallThreeRegistrationsForSecondsWithOneKeyRejectedThenTheOthersNeverNotice() {
		AtomicInteger succeeded = new AtomicInteger();
		AtomicInteger rejected = new AtomicInteger();
		List<Throwable> unexpected = new CopyOnWriteArrayList<>();
		this.withDefault.withPropertyValues("sitecore.cdp.clients.personalize.api-secret=revoked").run((context) -> {
			CdpClients clients = context.getBean(CdpClients.class);
			List<WebClient> targets = List.of(clients.webClient("default"), clients.webClient("personalize"),
					clients.webClient("edge"));
			ExecutorService threads = Executors.newFixedThreadPool(8);
			long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			for (int t = 0; t < 8; t++) {
				int first = t;
				threads.execute(() -> {
					for (int n = first; System.nanoTime() < end; n++) {
						int target = n % 3;
						try {
							get(targets.get(target), "/v2/load/" + n);
							if (target == 1) {
								unexpected.add(new AssertionError("a call with the rejected key succeeded"));
							}
							succeeded.incrementAndGet();
						}
						catch (WebClientRequestException ex) {
							if (target == 1 && ex.getCause() instanceof CdpCredentialsRejectedException) {
								rejected.incrementAndGet();
							}
							else {
								unexpected.add(ex);
							}
						}
						catch (RuntimeException ex) {
							unexpected.add(ex);
						}
					}
				});
			}
			threads.shutdown();
			assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		});
		assertThat(unexpected).isEmpty();
		assertThat(succeeded.get()).isGreaterThan(100);
		assertThat(rejected.get()).isGreaterThan(50);
		// Exactly one token for each working key, however many calls; the refused key's
		// requests stay within its backoff (1 s, doubling) over 3 s.
		assertThat(this.tokens.requests()).filteredOn((request) -> "cdp-key".equals(request.form().get("client_id")))
			.hasSize(1);
		assertThat(this.tokens.requests()).filteredOn((request) -> "edge-key".equals(request.form().get("client_id")))
			.hasSize(1);
		assertThat(this.tokens.requests())
			.filteredOn((request) -> "personalize-key".equals(request.form().get("client_id")))
			.hasSizeBetween(1, 4);
		assertThat(this.cdpApi.requestCount() + this.edgeApi.requestCount()).isEqualTo(succeeded.get());
		assertThat(this.personalizeApi.requestCount()).isZero();
		assertThat(this.cdpApi.requests()).extracting(RecordedCdpRequest::status).containsOnly(200);
		assertThat(this.edgeApi.requests()).extracting(RecordedCdpRequest::status).containsOnly(200);
	}

	@Test
	void whenARegistrationCallsAnotherRegistrationsHostThenNoTokenGoesThere() {
		this.withDefault.run((context) -> {
			WebClient personalize = context.getBean(CdpClients.class).webClient("personalize");
			personalize.get().uri(this.edgeApi.baseUrl() + "/v1/webhooks").exchangeToMono((response) -> response.releaseBody())
				.block(TIMEOUT);
		});
		assertThat(this.edgeApi.requests()).singleElement()
			.satisfies((request) -> assertThat(request.header("Authorization")).isNull());
	}

	@Test
	void whenATokenOfOneAudienceReachesAnApiOfAnotherThenItIsRefused() {
		// The edge registration pointed at the CDP API: Sitecore refuses its token there.
		this.withDefault.withPropertyValues("sitecore.cdp.clients.edge.base-url=" + this.cdpApi.baseUrl())
			.run((context) -> assertThatExceptionOfType(Exception.class)
				.isThrownBy(() -> get(context.getBean(CdpClients.class).webClient("edge"), "/v2/cdp"))
				.withMessageContaining("401"));
	}

	@Test
	void whenARegistrationsTokensLiveShorterThenItRefreshesOnItsOwnScheduleAlone() {
		MutableClock clock = new MutableClock(Instant.now());
		// Personalize documents 900-second tokens; the default key's live a day.
		this.tokens.addClient("short-key", "short-secret", FakeTokenEndpoint.AUDIENCE, "p", Duration.ofSeconds(900));
		this.withDefault
			.withPropertyValues("sitecore.cdp.clients.personalize.api-key=short-key",
					"sitecore.cdp.clients.personalize.api-secret=short-secret")
			.withBean(SitecoreCdpAutoConfiguration.CLOCK_BEAN_NAME, Clock.class, () -> clock)
			.run((context) -> {
				CdpClients clients = context.getBean(CdpClients.class);
				CdpAccessTokenManager personalize = clients.tokenManager("personalize");
				CdpAccessTokenManager cdp = clients.tokenManager(CdpClients.DEFAULT);
				String firstPersonalize = personalize.obtainToken().getTokenValue();
				String firstCdp = cdp.obtainToken().getTokenValue();
				assertThat(personalize.status().tokenExpiresAt()).isEqualTo(clock.instant().plusSeconds(900));
				clock.advance(Duration.ofSeconds(900));
				assertThat(personalize.obtainToken().getTokenValue()).isNotEqualTo(firstPersonalize);
				assertThat(cdp.obtainToken().getTokenValue()).isEqualTo(firstCdp);
			});
		assertThat(this.tokens.requests()).extracting((request) -> request.form().get("client_id"))
			.containsExactly("short-key", "cdp-key", "short-key");
	}

	@Test
	void whenOnlyNamedRegistrationsAreConfiguredThenTheDefaultClientsAreAbsent() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("cdpWebClient")
				.doesNotHaveBean("cdpRestClient")
				.doesNotHaveBean(CdpAccessTokenManager.class)
				.doesNotHaveBean(AudienceExportClient.class);
			CdpClients clients = context.getBean(CdpClients.class);
			assertThat(clients.names()).containsExactly("personalize", "edge");
			get(clients.webClient("personalize"), "/v3/flowDefinitions");
		});
		assertThat(this.personalizeApi.requestCount()).isOne();
	}

	@Test
	void whenARegistrationIsUnknownThenTheErrorNamesTheKnownOnes() {
		this.contextRunner.run((context) -> assertThatIllegalArgumentException()
			.isThrownBy(() -> context.getBean(CdpClients.class).webClient("personalise"))
			.withMessageContaining("personalise")
			.withMessageContaining("[personalize, edge]"));
	}

	@Test
	void whenANamedRegistrationLeavesValuesOutThenItTakesThoseOfTheDefault() {
		this.contextRunner.withPropertyValues("sitecore.cdp.region=us", "sitecore.cdp.token.refresh-ahead=7m",
				"sitecore.cdp.clients.other.api-key=k", "sitecore.cdp.clients.other.api-secret=s",
				"sitecore.cdp.clients.regional.api-key=k", "sitecore.cdp.clients.regional.api-secret=s",
				"sitecore.cdp.clients.regional.region=jpe", "sitecore.cdp.clients.regional.token.refresh-ahead=2m")
			.run((context) -> {
				CdpClients clients = context.getBean(CdpClients.class);
				assertThat(clients.baseUrl("other")).hasToString("https://api-engage-us.sitecorecloud.io");
				assertThat(clients.baseUrl("regional")).hasToString("https://api-engage-jpe.sitecorecloud.io");
				SitecoreCdpProperties properties = context.getBean(SitecoreCdpProperties.class);
				assertThat(CdpRegistration.named("other", properties.getClients().get("other"), properties).policy()
					.refreshAhead()).isEqualTo(Duration.ofMinutes(7));
				assertThat(CdpRegistration.named("regional", properties.getClients().get("regional"), properties)
					.policy()
					.refreshAhead()).isEqualTo(Duration.ofMinutes(2));
				assertThat(CdpRegistration.named("other", properties.getClients().get("other"), properties).tokenUri())
					.isEqualTo(this.tokens.uri());
			});
	}

	@Test
	void whenANamedRegistrationHasNoSecretThenStartupFailsNamingItsProperty() {
		this.contextRunner.withPropertyValues("sitecore.cdp.clients.personalize.api-secret=")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sitecore.cdp.clients.personalize.api-secret is not set"));
	}

	@Test
	void whenANamedRegistrationHasABadDurationThenStartupFailsNamingItsProperty() {
		this.contextRunner.withPropertyValues("sitecore.cdp.clients.edge.token.max-backoff=500us")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sitecore.cdp.clients.edge.token.max-backoff is 500us"));
	}

	@Test
	void whenARegistrationIsNamedDefaultThenStartupFailsSayingWhy() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.clients.default.api-key=k", "sitecore.cdp.clients.default.api-secret=s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sitecore.cdp.clients.default names a registration 'default'"));
	}

	@Test
	void whenTheDefaultKeyIsBlankBesideNamedRegistrationsThenStartupFailsNamingIt() {
		this.contextRunner.withPropertyValues("sitecore.cdp.api-key=", "sitecore.cdp.api-secret=")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sitecore.cdp.api-key is not set"));
	}

	@Test
	void whenARegistrationHasItsOwnAudienceButNoHostThenStartupFailsAskingForIt() {
		this.contextRunner.withPropertyValues("sitecore.cdp.clients.edge.base-url=")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sitecore.cdp.clients.edge.audience")
				.hasMessageContaining("sets no base-url or region"));
	}

	@Test
	void whenTheNamesAreChangedThroughTheirViewThenTheBeanIsUntouched() {
		this.contextRunner.run((context) -> {
			CdpClients clients = context.getBean(CdpClients.class);
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> clients.names().remove("edge"));
			assertThat(clients.names()).containsExactly("personalize", "edge");
		});
	}

	@Test
	void whenAnInheritedTokenUriIsUnreachableThenTheErrorNamesThePropertyItCameFrom() {
		this.contextRunner
			.withPropertyValues("sitecore.cdp.token-uri=http://127.0.0.1:1/oauth/token",
					"sitecore.cdp.clients.personalize.token.connect-timeout=500ms")
			.run((context) -> assertThatExceptionOfType(WebClientRequestException.class)
				.isThrownBy(() -> get(context.getBean(CdpClients.class).webClient("personalize"), "/v3/flows"))
				.withMessageContaining("Check sitecore.cdp.token-uri,"));
	}

	@Test
	void whenAnHttpExchangeInterfaceIsMadeFromARegistrationThenItCallsThatApiWithItsToken() {
		this.contextRunner.run((context) -> {
			FlowDefinitions flows = context.getBean(CdpClients.class).httpService("personalize", FlowDefinitions.class);
			assertThat(flows.list()).contains("/v3/flowDefinitions");
		});
		assertThat(token(this.personalizeApi)).isEqualTo(this.tokens.issuedTokens().get(0));
	}

	private static String token(FakeCdpApi api) {
		return api.requests().get(0).bearerToken();
	}

	private static void get(WebClient client, String path) {
		client.get().uri(path).retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

	interface FlowDefinitions {

		@GetExchange("/v3/flowDefinitions")
		String list();

	}

}

package io.github.sitecorecdp.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTls;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import io.github.sitecorecdp.testsupport.RecordingProxy;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenException;
import io.github.sitecorecdp.token.CdpTokenListener;
import io.github.sitecorecdp.token.CdpTokenListenerFactory;
import io.github.sitecorecdp.token.CdpTokenSource;
import io.github.sitecorecdp.token.CdpTokenStore;
import io.github.sitecorecdp.token.CdpTokenListener.TokenRequestOutcome;
import okhttp3.tls.HeldCertificate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * What named registrations share and how they are told apart: the proxy and SSL bundle, listeners asked per
 * registration or hearing all, and log lines and errors that name the registration.
 */
class RegistrationPromiseTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final FakeTokenEndpoint tokens = FakeTokenEndpoint.start()
		.credentials("cdp-key", "cdp-secret")
		.addClient("personalize-key", "personalize-secret", FakeTokenEndpoint.AUDIENCE, "personalize.flows:r")
		.addClient("edge-key", "edge-secret", FakeTokenEndpoint.AUDIENCE, "edge.admin");

	private final FakeCdpApi api = FakeCdpApi.start(this.tokens).stub("/**", EchoPath::json);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(BootLine.webClientAutoConfiguration(),
				BootLine.restClientAutoConfiguration(), SitecoreCdpAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.token-uri=" + this.tokens.uri(), "sitecore.cdp.base-url=" + this.api.baseUrl(),
				"sitecore.cdp.api-key=cdp-key", "sitecore.cdp.api-secret=cdp-secret",
				"sitecore.cdp.clients.personalize.api-key=personalize-key",
				"sitecore.cdp.clients.personalize.api-secret=personalize-secret",
				"sitecore.cdp.clients.edge.api-key=edge-key", "sitecore.cdp.clients.edge.api-secret=edge-secret");

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	@AfterEach
	void stop() {
		((Logger) org.slf4j.LoggerFactory.getLogger(CdpAccessTokenManager.class)).detachAppender(this.appender);
		this.api.close();
		this.tokens.close();
	}

	@Test
	void whenAListenerFactoryIsDeclaredThenItIsAskedOncePerRegistrationWithItsName() {
		List<String> asked = new CopyOnWriteArrayList<>();
		List<String> heard = new CopyOnWriteArrayList<>();
		CdpTokenListenerFactory factory = (registration, manager) -> {
			asked.add(registration);
			return new CdpTokenListener() {
				@Override
				public void tokenRequested(TokenRequestOutcome outcome, Duration duration) {
					heard.add(registration + ":" + outcome);
				}
			};
		};
		this.contextRunner.withBean(CdpTokenListenerFactory.class, () -> factory).run((context) -> {
			callEveryRegistrationTwice(context.getBean(CdpClients.class));
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(heard).hasSize(3));
		});
		assertThat(asked).containsExactlyInAnyOrder("default", "personalize", "edge");
		assertThat(heard).containsExactlyInAnyOrder("default:SUCCESS", "personalize:SUCCESS", "edge:SUCCESS");
	}

	@Test
	void whenAPlainListenerIsDeclaredThenItHearsEveryRegistration() {
		AtomicInteger successes = new AtomicInteger();
		CdpTokenListener listener = new CdpTokenListener() {
			@Override
			public void tokenRequested(TokenRequestOutcome outcome, Duration duration) {
				if (outcome == TokenRequestOutcome.SUCCESS) {
					successes.incrementAndGet();
				}
			}
		};
		this.contextRunner.withBean(CdpTokenListener.class, () -> listener).run((context) -> {
			callEveryRegistrationTwice(context.getBean(CdpClients.class));
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(successes).hasValue(3));
		});
		assertThat(this.tokens.requestCount()).isEqualTo(3);
	}

	@Test
	void whenANamedRegistrationCannotGetATokenThenTheErrorAndTheLogLineNameIt() {
		capture();
		CdpTokenStore failing = (registration, endpoint, policy) -> new CdpTokenSource() {
			@Override
			public Mono<OAuth2AccessToken> fetch(@Nullable OAuth2AccessToken replacing) {
				return Mono.error(new IllegalStateException("token source broke"));
			}

			@Override
			public Duration timeout() {
				return Duration.ofSeconds(5);
			}
		};
		this.contextRunner.withBean(CdpTokenStore.class, () -> failing).run((context) -> {
			WebClient personalize = context.getBean(CdpClients.class).webClient("personalize");
			assertThatException()
				.isThrownBy(() -> personalize.get().uri("/v3/flows").retrieve().bodyToMono(String.class).block(TIMEOUT))
				.havingCause()
				.isInstanceOf(CdpTokenException.class)
				.withMessageStartingWith("Could not get a Sitecore CDP (personalize) access token: ");
		});
		assertThat(List.copyOf(this.appender.list)).filteredOn((event) -> event.getLevel() == Level.WARN)
			.map(ILoggingEvent::getFormattedMessage)
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("Sitecore CDP (personalize)"));
	}

	@Test
	void whenTheTokenEndpointAnswers503ToANamedRegistrationThenTheErrorAndTheLogLineNameIt() {
		capture();
		this.tokens.failTokenRequests(503, "{\"error\":\"server_error\"}");
		this.contextRunner.run((context) -> {
			WebClient personalize = context.getBean(CdpClients.class).webClient("personalize");
			assertThatException()
				.isThrownBy(() -> personalize.get().uri("/v3/flows").retrieve().bodyToMono(String.class).block(TIMEOUT))
				.havingCause()
				.isInstanceOf(CdpTokenException.class)
				.withMessageContaining("(registration personalize) answered 503");
		});
		// Two registrations share the endpoint here: the line must say whose request failed.
		assertThat(List.copyOf(this.appender.list)).filteredOn((event) -> event.getLevel() == Level.WARN)
			.map(ILoggingEvent::getFormattedMessage)
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("(registration personalize) answered 503"));
	}

	@Test
	void whenAProxyIsSetThenNamedRegistrationsGoThroughItToo() throws Exception {
		try (RecordingProxy proxy = RecordingProxy.start()) {
			this.contextRunner.withPropertyValues("sitecore.cdp.proxy.host=127.0.0.1",
					"sitecore.cdp.proxy.port=" + proxy.port(), "sitecore.cdp.proxy.non-proxy-hosts=nothing.invalid")
				.run((context) -> {
					CdpClients clients = context.getBean(CdpClients.class);
					assertThat(clients.webClient("personalize").get().uri("/v3/p").retrieve().bodyToMono(String.class)
						.block(TIMEOUT)).contains("/v3/p");
					assertThat(clients.restClient("edge").get().uri("/v1/e").retrieve().body(String.class))
						.contains("/v1/e");
				});
			String tokenHost = this.tokens.uri().getHost() + ":" + this.tokens.uri().getPort();
			String apiHost = this.api.baseUrl().getHost() + ":" + this.api.baseUrl().getPort();
			assertThat(proxy.targets()).contains(tokenHost).contains(apiHost);
			assertThat(this.tokens.requests()).extracting((request) -> request.form().get("client_id"))
				.containsExactlyInAnyOrder("personalize-key", "edge-key");
		}
	}

	@Test
	void whenAnSslBundleIsSetThenNamedRegistrationsUseItToo(@TempDir Path directory) throws Exception {
		HeldCertificate certificate = new HeldCertificate.Builder().addSubjectAlternativeName("localhost").build();
		FakeTls tls = FakeTls.of(certificate.keyPair().getPrivate(), certificate.certificate());
		Path pem = Files.writeString(directory.resolve("private-ca.pem"), certificate.certificatePem());
		try (FakeTokenEndpoint tlsTokens = FakeTokenEndpoint.start(Clock.systemUTC(), tls)
			.credentials("cdp-key", "cdp-secret")
			.addClient("personalize-key", "personalize-secret", FakeTokenEndpoint.AUDIENCE, "personalize.flows:r");
				FakeCdpApi tlsApi = FakeCdpApi.start(tlsTokens, Clock.systemUTC(), tls).stub("/**", EchoPath::json)) {
			// Without Boot's client builders: on Boot 3.5 their SSL support needs connector
			// auto-configurations this test has no use for, and the starter's own builders
			// are the ones that must take the bundle.
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, SitecoreCdpAutoConfiguration.class))
				.withPropertyValues("sitecore.cdp.api-key=cdp-key", "sitecore.cdp.api-secret=cdp-secret",
						"sitecore.cdp.clients.personalize.api-key=personalize-key",
						"sitecore.cdp.clients.personalize.api-secret=personalize-secret")
				.withPropertyValues("sitecore.cdp.token-uri=" + tlsTokens.uri(), "sitecore.cdp.base-url=" + tlsApi.baseUrl(),
						"spring.ssl.bundle.pem.cdp.truststore.certificate=file:" + pem, "sitecore.cdp.ssl.bundle=cdp")
				.run((context) -> assertThat(context.getBean(CdpClients.class)
					.restClient("personalize")
					.get()
					.uri("/v3/p")
					.retrieve()
					.body(String.class)).contains("/v3/p"));
			assertThat(tlsTokens.uri().getScheme()).isEqualTo("https");
			assertThat(tlsTokens.requests()).singleElement()
				.satisfies((request) -> assertThat(request.form()).containsEntry("client_id", "personalize-key"));
			assertThat(tlsApi.requestCount()).isEqualTo(1);
		}
	}

	private void capture() {
		Logger logger = (Logger) org.slf4j.LoggerFactory.getLogger(CdpAccessTokenManager.class);
		this.appender.start();
		logger.addAppender(this.appender);
	}

	private static void callEveryRegistrationTwice(CdpClients clients) {
		for (int i = 0; i < 2; i++) {
			for (String name : List.of("default", "personalize", "edge")) {
				assertThat(clients.webClient(name).get().uri("/v2/" + name).retrieve().bodyToMono(String.class)
					.block(TIMEOUT)).contains("/v2/" + name);
			}
		}
	}

}

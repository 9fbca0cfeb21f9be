package io.github.sitecorecdp.web;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.testsupport.BootLine;
import io.github.sitecorecdp.testsupport.EchoPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Runs token requests, API calls, a 401 replay and rejected credentials with every logger
 * at TRACE, and checks that neither the API secret nor a token shows up anywhere in the
 * log output or in the errors callers get.
 */
class SecretsStayOutOfLogsTests {

	private static final String SECRET = "api-secret-0123456789";

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private Level previousLevel;

	private FakeTokenEndpoint tokenEndpoint;

	private FakeCdpApi api;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void captureEverything() {
		Logger root = rootLogger();
		this.previousLevel = root.getLevel();
		root.setLevel(Level.TRACE);
		this.appender.start();
		root.addAppender(this.appender);
		this.tokenEndpoint = FakeTokenEndpoint.start()
			.credentials("the-key", SECRET)
			.tokenValues((n) -> "issued-access-token-" + n);
		this.api = FakeCdpApi.start(this.tokenEndpoint).stub("/**", EchoPath::json);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(BootLine.codecsAutoConfiguration(), BootLine.webClientAutoConfiguration(),
					SitecoreCdpAutoConfiguration.class))
			.withPropertyValues("sitecore.cdp.api-key=the-key", "sitecore.cdp.api-secret=" + SECRET,
					"sitecore.cdp.token-uri=" + this.tokenEndpoint.uri(), "sitecore.cdp.base-url=" + this.api.baseUrl(),
					// Asks Spring to log headers and form data; the token must stay out anyway.
					"spring.codec.log-request-details=true");
	}

	@AfterEach
	void restore() {
		Logger root = rootLogger();
		root.detachAppender(this.appender);
		root.setLevel(this.previousLevel);
		this.tokenEndpoint.close();
		this.api.close();
	}

	@Test
	void whenTokensAreFetchedUsedAndReplacedAtTraceThenNoSecretOrTokenIsLogged() {
		this.api.answerNextWith(200, 401, 200);
		this.contextRunner.run((context) -> {
			WebClient client = context.getBean("cdpWebClient", WebClient.class);
			client.get().uri("/v2/first").retrieve().bodyToMono(String.class).block(TIMEOUT);
			client.post()
				.uri("/v2/second")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{}")
				.retrieve()
				.bodyToMono(String.class)
				.block(TIMEOUT);
		});
		assertThat(this.tokenEndpoint.requestCount()).isEqualTo(2);
		assertThat(this.api.requestCount()).isEqualTo(3);
		assertThat(this.appender.list).as("captured TRACE output").hasSizeGreaterThan(20);
		assertNoSecretsIn(logOutput());
	}

	@Test
	void whenCredentialsAreRejectedAtTraceThenNeitherTheLogsNorTheErrorShowTheSecret() {
		this.tokenEndpoint.failTokenRequests(401,
				"{\"error\":\"access_denied\",\"error_description\":\"client secret " + SECRET + " is invalid\"}");
		this.contextRunner.run((context) -> {
			WebClient client = context.getBean("cdpWebClient", WebClient.class);
			assertThatException()
				.isThrownBy(() -> client.get().uri("/v2/first").retrieve().bodyToMono(String.class).block(TIMEOUT))
				.satisfies((ex) -> assertNoSecretsIn(ThrowableProxyUtil.asString(
						new ch.qos.logback.classic.spi.ThrowableProxy(ex))));
		});
		assertThat(logOutput()).contains("Sitecore rejected the API key or secret");
		assertNoSecretsIn(logOutput());
	}

	private static void assertNoSecretsIn(String text) {
		assertThat(text).doesNotContain(SECRET).doesNotContain("issued-access-token-");
	}

	private String logOutput() {
		List<ILoggingEvent> events = List.copyOf(this.appender.list);
		return events.stream()
			.map((event) -> event.getFormattedMessage()
					+ ((event.getThrowableProxy() != null) ? "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy())
							: ""))
			.collect(Collectors.joining("\n"));
	}

	private static Logger rootLogger() {
		return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
	}

}

package io.github.sitecorecdp.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token fetches are logged at DEBUG with a fingerprint, the first 8 hex digits of the
 * token's SHA-256, never the token.
 */
class TokenLoggingPromiseTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final Logger logger = (Logger) LoggerFactory.getLogger(CdpAccessTokenManager.class);

	private Level previousLevel;

	private FakeTokenEndpoint tokenEndpoint;

	@BeforeEach
	void capture() {
		this.previousLevel = this.logger.getLevel();
		this.logger.setLevel(Level.DEBUG);
		this.appender.start();
		this.logger.addAppender(this.appender);
		this.tokenEndpoint = FakeTokenEndpoint.start()
			.credentials("key", "s3cr3t")
			.tokenValues((n) -> "issued-token-" + n);
	}

	@AfterEach
	void restore() {
		this.logger.detachAppender(this.appender);
		this.logger.setLevel(this.previousLevel);
		this.tokenEndpoint.close();
	}

	@Test
	void whenATokenIsFetchedThenTheDebugLineNamesItsFingerprintNotTheToken() throws Exception {
		CdpTokenEndpointClient client = new CdpTokenEndpointClient("key", "s3cr3t", this.tokenEndpoint.uri(),
				"https://api.sitecorecloud.io", WebClient.create(), TIMEOUT, Clock.systemUTC());
		CdpAccessTokenManager manager = new CdpAccessTokenManager(client, TokenPolicy.DEFAULTS, Clock.systemUTC());
		assertThat(manager.getToken().block(TIMEOUT).getTokenValue()).isEqualTo("issued-token-1");
		String fingerprint = HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256").digest("issued-token-1".getBytes(StandardCharsets.UTF_8)))
			.substring(0, 8);
		List<ILoggingEvent> events = List.copyOf(this.appender.list);
		assertThat(events).filteredOn((event) -> event.getLevel() == Level.DEBUG)
			.map(ILoggingEvent::getFormattedMessage)
			.anySatisfy((line) -> assertThat(line).contains("obtained access token " + fingerprint + ","));
		assertThat(events).map(ILoggingEvent::getFormattedMessage)
			.allSatisfy((line) -> assertThat(line).doesNotContain("issued-token-1"));
	}

}

package io.github.sitecorecdp.actuate;

import java.time.Duration;
import java.time.Instant;

import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpTokenListener;
import io.github.sitecorecdp.token.CdpTokenSource;
import io.github.sitecorecdp.token.TokenPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The expiry gauge reads time on the starter's clock ({@code sitecoreCdpClock}), as every
 * other token decision does.
 */
class SitecoreCdpExpiryGaugeTests {

	@Test
	void whenTheStartersClockIsNotTheSystemClockThenTheExpiryGaugeFollowsIt() {
		MutableClock clock = new MutableClock(Instant.parse("2020-01-01T00:00:00Z"));
		CdpTokenSource source = new CdpTokenSource() {

			@Override
			public Mono<OAuth2AccessToken> fetch(@Nullable OAuth2AccessToken replacing) {
				Instant now = clock.instant();
				return Mono.just(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "token", now,
						now.plus(Duration.ofHours(1))));
			}

			@Override
			public Duration timeout() {
				return Duration.ofSeconds(5);
			}

		};
		CdpAccessTokenManager manager = new CdpAccessTokenManager("Sitecore CDP", source, TokenPolicy.DEFAULTS, clock,
				CdpTokenListener.NONE);
		SitecoreCdpMetrics metrics = new SitecoreCdpMetrics(() -> manager);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		metrics.bindTo(registry);
		manager.obtainToken();
		clock.advance(Duration.ofMinutes(10));
		assertThat(registry.get("sitecore.cdp.token.expiry").gauge().value()).isEqualTo(3000.0);
		// Kept reachable: the registry holds its gauges' objects weakly.
		assertThat(metrics).isNotNull();
	}

}

package io.github.sitecorecdp.test;

import java.time.Duration;

import io.github.sitecorecdp.audience.AudienceExportClient;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.fake.MutableClock;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code mutableClock = true} the fake and the starter share one clock that the test
 * moves: a day of token lifetime passes instantly, on both sides.
 */
@SpringBootTest
@AutoConfigureFakeSitecoreCdp(mutableClock = true)
class MutableClockSpringBootTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Autowired
	AudienceExportClient audienceExports;

	@Autowired
	CdpAccessTokenManager tokenManager;

	@Autowired
	FakeSitecoreCdp cdp;

	@Autowired
	MutableClock clock;

	@Test
	void whenTheTestMovesTheClockThenTheStarterRefreshesTheTokenBeforeTheFakeExpiresIt() {
		this.cdp.audienceExport("daily").addJob("exec-1");
		this.audienceExports.latestExport("daily").block(TIMEOUT);
		int issuedBefore = this.cdp.issuedTokenCount();
		this.clock.advance(Duration.ofDays(1).minusMinutes(2));
		this.audienceExports.latestExport("daily").block(TIMEOUT);
		await().atMost(TIMEOUT).until(() -> this.cdp.issuedTokenCount() == issuedBefore + 1);
		this.clock.advance(Duration.ofMinutes(5));
		this.audienceExports.latestExport("daily").block(TIMEOUT);
		assertThat(this.cdp.issuedTokenCount()).isEqualTo(issuedBefore + 1);
		assertThat(this.tokenManager.status().tokenExpiresAt()).isAfter(this.clock.instant());
	}

	@SpringBootApplication
	static class UserApplication {

	}

}

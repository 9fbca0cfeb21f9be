package io.github.sitecorecdp.token;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Refresh windows and backoff steps of {@link TokenPolicy}.
 */
class TokenPolicyTests {

	private final TokenPolicy policy = TokenPolicy.DEFAULTS;

	@Test
	void whenTokenLivesLongThenConfiguredWindowsApply() {
		Duration day = Duration.ofHours(24);
		assertThat(this.policy.refreshAheadFor(day)).isEqualTo(Duration.ofMinutes(5));
		assertThat(this.policy.expiryMarginFor(day)).isEqualTo(Duration.ofSeconds(60));
	}

	@Test
	void whenTokenLivesBrieflyThenWindowsShrinkToHalfAndTenthOfItsLifetime() {
		Duration fourSeconds = Duration.ofSeconds(4);
		assertThat(this.policy.refreshAheadFor(fourSeconds)).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.policy.expiryMarginFor(fourSeconds)).isEqualTo(Duration.ofMillis(400));
	}

	@Test
	void whenFirstFailureThenBackoffIsAtMostOneSecond() {
		assertThat(this.policy.backoffAfter(1, 0.0)).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.policy.backoffAfter(1, 0.999)).isBetween(Duration.ofMillis(800), Duration.ofSeconds(1));
	}

	@Test
	void whenFailuresRepeatThenBackoffDoublesUpToTheCap() {
		assertThat(this.policy.backoffAfter(2, 0.0)).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.policy.backoffAfter(3, 0.0)).isEqualTo(Duration.ofSeconds(4));
		assertThat(this.policy.backoffAfter(5, 0.0)).isEqualTo(Duration.ofSeconds(16));
		assertThat(this.policy.backoffAfter(6, 0.0)).isEqualTo(Duration.ofSeconds(30));
		assertThat(this.policy.backoffAfter(1000, 0.0)).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void whenJitteredThenBackoffStaysWithinAFifthBelowTheStep() {
		for (double random = 0.0; random < 1.0; random += 0.05) {
			assertThat(this.policy.backoffAfter(3, random)).isBetween(Duration.ofMillis(3200), Duration.ofSeconds(4));
		}
	}

	@Test
	void whenExpiryMarginIsNotShorterThanRefreshAheadThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new TokenPolicy(Duration.ofMinutes(1),
				Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(30)));
	}

}

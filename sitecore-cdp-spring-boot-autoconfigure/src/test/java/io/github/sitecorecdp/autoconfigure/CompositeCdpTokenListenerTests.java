package io.github.sitecorecdp.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.sitecorecdp.token.CdpTokenListener;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One listener's failure, an {@link Error} included, never keeps the others (metrics) from
 * being told.
 */
class CompositeCdpTokenListenerTests {

	@Test
	void whenAListenerThrowsAnErrorThenTheNextListenerIsStillTold() {
		AtomicInteger told = new AtomicInteger();
		CdpTokenListener broken = new CdpTokenListener() {

			@Override
			public void tokenRequested(TokenRequestOutcome outcome, Duration duration) {
				throw new AssertionError("listener broke");
			}

		};
		CdpTokenListener counting = new CdpTokenListener() {

			@Override
			public void tokenRequested(TokenRequestOutcome outcome, Duration duration) {
				told.incrementAndGet();
			}

		};
		CompositeCdpTokenListener composite = new CompositeCdpTokenListener(List.of(broken, counting));
		assertThatThrownBy(() -> composite.tokenRequested(CdpTokenListener.TokenRequestOutcome.SUCCESS,
				Duration.ofMillis(5)))
			.hasMessageContaining("listener broke");
		assertThat(told).hasValue(1);
	}

}

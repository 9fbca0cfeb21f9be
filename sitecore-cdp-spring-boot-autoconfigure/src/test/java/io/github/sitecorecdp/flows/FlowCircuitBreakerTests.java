package io.github.sitecorecdp.flows;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.github.sitecorecdp.fake.FakeFlows;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The circuit opens after repeated failures, sends no call while open, and lets one trial
 * call through after its open duration, on an injected monotonic clock.
 */
class FlowCircuitBreakerTests {

	private static final String FLOW = "banner";

	private static final FlowIdentity VISITOR = FlowIdentity.ofBrowser("browser-1");

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private final FakeFlows flows = this.cdp.api().flows().answer(FLOW, "{\"title\":\"sale\"}");

	private final AtomicLong nanoTime = new AtomicLong();

	private final FlowClient client = FlowClients.client(this.cdp.baseUrl(), Duration.ofSeconds(5), 3,
			Duration.ofSeconds(10), this.nanoTime::get, FlowListener.NONE);

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	private FlowResult<Offer> call() {
		FlowResult<Offer> result = this.client.execute(FLOW, VISITOR, Map.of(), Offer.class).block();
		assertThat(result).isNotNull();
		return result;
	}

	@Test
	void whenFailuresReachTheThresholdThenCallsFallBackWithoutReachingSitecore() {
		this.flows.failNext(FLOW, 3, 500);
		for (int i = 0; i < 3; i++) {
			assertThat(call().reason()).isEqualTo(FlowFallbackReason.UNAVAILABLE);
		}
		assertThat(this.client.circuitState()).isEqualTo(FlowCircuitBreaker.State.OPEN);
		assertThat(call().reason()).isEqualTo(FlowFallbackReason.CIRCUIT_OPEN);
		this.nanoTime.addAndGet(Duration.ofSeconds(9).toNanos());
		assertThat(call().reason()).isEqualTo(FlowFallbackReason.CIRCUIT_OPEN);
		assertThat(this.flows.callCount(FLOW)).isEqualTo(3);
	}

	@Test
	void whenTheOpenDurationPassesThenOneTrialCallClosesTheCircuit() {
		this.flows.failNext(FLOW, 3, 500);
		for (int i = 0; i < 3; i++) {
			call();
		}
		this.nanoTime.addAndGet(Duration.ofSeconds(10).toNanos());
		assertThat(call().decision()).isEqualTo(new Offer("sale"));
		assertThat(this.client.circuitState()).isEqualTo(FlowCircuitBreaker.State.CLOSED);
		assertThat(call().hasDecision()).isTrue();
		assertThat(this.flows.callCount(FLOW)).isEqualTo(5);
	}

	@Test
	void whenTheTrialCallFailsThenTheCircuitOpensAgainForAFullDuration() {
		this.flows.failNext(FLOW, 4, 500);
		for (int i = 0; i < 3; i++) {
			call();
		}
		this.nanoTime.addAndGet(Duration.ofSeconds(10).toNanos());
		assertThat(call().reason()).isEqualTo(FlowFallbackReason.UNAVAILABLE);
		assertThat(this.client.circuitState()).isEqualTo(FlowCircuitBreaker.State.OPEN);
		this.nanoTime.addAndGet(Duration.ofSeconds(9).toNanos());
		assertThat(call().reason()).isEqualTo(FlowFallbackReason.CIRCUIT_OPEN);
		assertThat(this.flows.callCount(FLOW)).isEqualTo(4);
	}

	@Test
	void whenASuccessComesBetweenFailuresThenTheCountStartsAgain() {
		this.flows.failNext(FLOW, 2, 500);
		call();
		call();
		assertThat(call().hasDecision()).isTrue();
		this.flows.failNext(FLOW, 2, 500);
		call();
		call();
		assertThat(this.client.circuitState()).isEqualTo(FlowCircuitBreaker.State.CLOSED);
		assertThat(this.flows.callCount(FLOW)).isEqualTo(5);
	}

}

package io.github.sitecorecdp.flows;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.sitecorecdp.fake.FakeFlows;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The fault matrix of flow calls against the fake: every row ends with the decision or
 * the caller's fallback, within the deadline, with the exact number of calls made.
 */
class FlowClientFaultTests {

	private static final Duration DEADLINE = Duration.ofMillis(300);

	private static final String FLOW = "home_offer";

	private static final FlowIdentity VISITOR = FlowIdentity.ofBrowser("browser-1");

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private final FakeFlows flows = this.cdp.api().flows().answer(FLOW, "{\"title\":\"10% off\"}");

	private final FlowClient client = FlowClients.client(this.cdp.baseUrl(), DEADLINE);

	@BeforeEach
	void warmUp() {
		// The first call of a JVM loads Netty, Jackson and TLS classes: far longer than a
		// deadline. A call of another flow, without a deadline that matters, pays for it,
		// through the retry path too.
		this.flows.failNext("warm-up", 1, 503);
		FlowClients.client(this.cdp.baseUrl(), Duration.ofSeconds(30))
			.execute("warm-up", VISITOR, Map.of(), Offer.class)
			.block();
	}

	private List<FakeFlows.Call> calls() {
		return this.flows.calls().stream().filter((call) -> FLOW.equals(call.friendlyId())).toList();
	}

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
	void whenTheFlowAnswersThenItsDecisionIsReturnedAndTheRequestCarriesTheSettings() {
		Offer offer = this.client.callFlow(FLOW, VISITOR, Map.of("page", "home"), Offer.class, Offer.DEFAULT).block();
		assertThat(offer).isEqualTo(new Offer("10% off"));
		assertThat(calls()).singleElement().satisfies((call) -> {
			assertThat(call.status()).isEqualTo(200);
			assertThat(call.body()).contains("\"clientKey\":\"" + FakeFlows.CLIENT_KEY + "\"",
					"\"friendlyId\":\"" + FLOW + "\"", "\"pointOfSale\":\"shop-eu\"", "\"channel\":\"WEB\"",
					"\"language\":\"EN\"", "\"currencyCode\":\"EUR\"", "\"browserId\":\"browser-1\"",
					"\"params\":{\"page\":\"home\"}");
			assertThat(call.body()).doesNotContain("\"email\"", "\"identifiers\"");
		});
		assertThat(this.cdp.api().requests()).hasSize(3)
			.allSatisfy((request) -> assertThat(request.header("Authorization")).isNull());
	}

	@Test
	void whenAGenericTypeIsAskedThenTheDecisionIsReadAsIt() {
		Map<String, String> decision = this.client
			.callFlow(FLOW, VISITOR, Map.of(), new ParameterizedTypeReference<Map<String, String>>() {
			}, Map.of())
			.block();
		assertThat(decision).containsEntry("title", "10% off");
	}

	@Test
	void whenATestRunsOnVirtualTimeThenTheDeadlinePassesOnVirtualTime() {
		// An answer after a minute: the fallback can only come from the deadline passing.
		this.flows.delay(FLOW, Duration.ofMinutes(1));
		StepVerifier.withVirtualTime(() -> this.client.callFlow(FLOW, VISITOR, Map.of(), Offer.class, Offer.DEFAULT))
			.expectSubscription()
			.expectNoEvent(DEADLINE.minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(Offer.DEFAULT)
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

	@Test
	void whenThe503ComesOnceThenItIsRetriedAtOnceAndTheDecisionReturned() {
		this.flows.failNext(FLOW, 1, 503);
		assertThat(call()).extracting(FlowResult::decision).isEqualTo(new Offer("10% off"));
		assertThat(calls()).extracting(FakeFlows.Call::status).containsExactly(503, 200);
	}

	@Test
	void whenThe503ComesForeverThenTheFallbackComesWithinTheDeadlineAfterOneRetry() {
		this.flows.failNext(FLOW, Integer.MAX_VALUE, 503);
		long start = System.nanoTime();
		Offer offer = this.client.callFlow(FLOW, VISITOR, Map.of(), Offer.class, Offer.DEFAULT).block();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE);
		assertThat(offer).isEqualTo(Offer.DEFAULT);
		assertThat(calls()).extracting(FakeFlows.Call::status).containsExactly(503, 503);
	}

	@Test
	void whenThe503ComesAfterTheDeadlineWouldPassThenTheRetryIsCutByTheDeadline() {
		this.flows.failNext(FLOW, Integer.MAX_VALUE, 503).delay(FLOW, Duration.ofMillis(200));
		FlowResult<Offer> result = call();
		assertThat(result.reason()).isEqualTo(FlowFallbackReason.TIMEOUT);
		assertThat(this.flows.callCount(FLOW)).isEqualTo(2);
	}

	@Test
	void whenTheAnswerIs429ThenTheFallbackComesWithoutRetry() {
		this.flows.failNext(FLOW, 1, 429);
		assertThat(call().reason()).isEqualTo(FlowFallbackReason.UNAVAILABLE);
		assertThat(this.flows.callCount(FLOW)).isEqualTo(1);
	}

	@Test
	void whenTheAnswerIs500ThenTheFallbackComesWithoutRetry() {
		this.flows.failNext(FLOW, 1, 500);
		assertThat(call().reason()).isEqualTo(FlowFallbackReason.UNAVAILABLE);
		assertThat(this.flows.callCount(FLOW)).isEqualTo(1);
	}

	@Test
	void whenTheConnectionIsResetThenTheFallbackComesWithItsReason() {
		this.flows.resetNext(FLOW, 1);
		FlowResult<Offer> result = call();
		assertThat(result.reason()).isEqualTo(FlowFallbackReason.CONNECTION);
		assertThat(result.orElse(Offer.DEFAULT)).isEqualTo(Offer.DEFAULT);
		assertThat(this.flows.callCount(FLOW)).isEqualTo(1);
	}

	@Test
	void whenTheAnswerIsLaterThanTheDeadlineThenTheFallbackComesAtTheDeadline() {
		this.flows.delay(FLOW, Duration.ofSeconds(2));
		long start = System.nanoTime();
		FlowResult<Offer> result = call();
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		assertThat(result.reason()).isEqualTo(FlowFallbackReason.TIMEOUT);
		assertThat(elapsed).isBetween(DEADLINE, DEADLINE.plusMillis(150));
		assertThat(this.flows.callCount(FLOW)).isEqualTo(1);
	}

	@Test
	void whenTheAnswerIsNotJsonThenTheFallbackSaysItIsMalformed() {
		this.flows.answer(FLOW, "{\"title\": 10% off");
		FlowResult<Offer> result = call();
		assertThat(result.reason()).isEqualTo(FlowFallbackReason.MALFORMED);
		assertThat(result.cause()).isNotNull();
	}

	@Test
	void whenSitecoreRefusesTheClientKeyThenTheFallbackSaysRefusedAndTheCircuitStaysClosed() {
		this.flows.clientKey("another-tenant");
		assertThat(call().reason()).isEqualTo(FlowFallbackReason.REFUSED);
		assertThat(calls()).extracting(FakeFlows.Call::status).containsExactly(400);
		assertThat(this.client.circuitState()).isEqualTo(FlowCircuitBreaker.State.CLOSED);
	}

	@Test
	void whenTheCallerAsksForAnExceptionThenItNamesTheReason() {
		this.flows.failNext(FLOW, 1, 500);
		assertThatExceptionOfType(FlowCallException.class).isThrownBy(() -> call().orElseThrow())
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(FlowFallbackReason.UNAVAILABLE));
	}

	@Test
	void whenBlockingThenTheFallbackIsReturnedOnFailure() {
		this.flows.failNext(FLOW, 1, 500);
		assertThat(this.client.callFlowBlocking(FLOW, VISITOR, Map.of(), Offer.class, Offer.DEFAULT))
			.isEqualTo(Offer.DEFAULT);
	}

	@Test
	void whenTheIdentityIsAnEmailOrIdentifiersThenOnlyThatIsSent() {
		this.client.execute(FLOW, FlowIdentity.ofEmail("ann@example.com"), Map.of(), Offer.class).block();
		this.client
			.execute(FLOW, FlowIdentity.ofIdentifiers(new FlowIdentifier("C-1", "CRM")), Map.of(), Offer.class)
			.block();
		List<FakeFlows.Call> calls = calls();
		assertThat(calls).extracting(FakeFlows.Call::status).containsExactly(200, 200);
		assertThat(calls.get(0).body()).contains("\"email\":\"ann@example.com\"").doesNotContain("browserId");
		assertThat(calls.get(1).body()).contains("\"identifiers\":[{").contains("\"provider\":\"CRM\"")
			.doesNotContain("browserId", "\"email\"");
	}

}

package io.github.sitecorecdp.flows;

import java.net.URI;
import java.time.Duration;
import java.util.function.LongSupplier;

import io.github.sitecorecdp.fake.FakeFlows;
import io.github.sitecorecdp.realtime.Channel;
import io.github.sitecorecdp.realtime.RealtimeSettings;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Flow clients pointed at a fake.
 */
final class FlowClients {

	static final String POINT_OF_SALE = "shop-eu";

	private FlowClients() {
	}

	static FlowClient client(URI baseUrl, Duration deadline, int failureThreshold, Duration openDuration,
			LongSupplier nanoTime, FlowListener listener) {
		RealtimeSettings settings = new RealtimeSettings(baseUrl, FakeFlows.CLIENT_KEY, POINT_OF_SALE, Channel.WEB,
				"EN", "EUR");
		return new FlowClient(WebClient.builder().build(), settings, deadline, failureThreshold, openDuration,
				nanoTime, listener);
	}

	static FlowClient client(URI baseUrl, Duration deadline) {
		return client(baseUrl, deadline, 1000, Duration.ofSeconds(10), System::nanoTime, FlowListener.NONE);
	}

}

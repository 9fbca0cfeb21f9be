package io.github.sitecorecdp.flows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.github.sitecorecdp.realtime.Channel;
import io.github.sitecorecdp.realtime.RealtimeSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a flow call goes: {@code /v2/callFlows} under the configured base URL, its path
 * kept, whatever base URL the given WebClient has.
 */
class FlowClientAddressTests {

	private final List<String> paths = new CopyOnWriteArrayList<>();

	private final HttpServer server;

	FlowClientAddressTests() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
		this.server.createContext("/", (exchange) -> {
			this.paths.add(exchange.getRequestURI().getRawPath());
			byte[] body = "{\"offer\":\"A\"}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.server.start();
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	@Test
	void whenTheBaseUrlHasAPathThenTheFlowIsCalledUnderIt() {
		call(WebClient.create(), "/personalize");
		assertThat(this.paths).containsExactly("/personalize/v2/callFlows");
	}

	@Test
	void whenTheGivenWebClientHasABaseUrlOfItsOwnThenTheFlowStillGoesToTheConfiguredOne() {
		call(WebClient.builder().baseUrl("http://127.0.0.1:9/elsewhere").build(), "");
		assertThat(this.paths).containsExactly("/v2/callFlows");
	}

	private void call(WebClient webClient, String path) {
		URI baseUrl = URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + path);
		FlowClient client = new FlowClient(webClient,
				new RealtimeSettings(baseUrl, "ck", "shop-eu", Channel.WEB, "EN", "EUR"), Duration.ofSeconds(5), 10,
				Duration.ofSeconds(10), System::nanoTime, FlowListener.NONE);
		FlowResult<Map> result = client.execute("offers", FlowIdentity.ofBrowser("b-1"), Map.of(), Map.class)
			.block(Duration.ofSeconds(10));
		assertThat(result).isNotNull();
		assertThat(result.decision()).isEqualTo(Map.of("offer", "A"));
	}

}

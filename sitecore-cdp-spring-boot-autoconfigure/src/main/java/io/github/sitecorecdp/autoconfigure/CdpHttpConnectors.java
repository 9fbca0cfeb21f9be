package io.github.sitecorecdp.autoconfigure;

import java.time.Duration;

import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;

import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;

/**
 * Builds the HTTP connectors of the token call and the API calls, so that both get their
 * timeouts. Spring Security's token client would otherwise use a bare WebClient that
 * waits forever.
 *
 * @author sitecore-cdp-spring-boot
 */
final class CdpHttpConnectors {

	private CdpHttpConnectors() {
	}

	static ClientHttpConnector create(Duration connectTimeout, Duration responseTimeout) {
		HttpClient httpClient = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(connectTimeout.toMillis()))
			.responseTimeout(responseTimeout);
		return new ReactorClientHttpConnector(httpClient);
	}

}

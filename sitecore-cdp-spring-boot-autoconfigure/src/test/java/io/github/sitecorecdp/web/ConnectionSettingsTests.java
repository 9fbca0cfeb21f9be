package io.github.sitecorecdp.web;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTls;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.testsupport.EchoPath;
import io.github.sitecorecdp.testsupport.RecordingProxy;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The token call and both API clients share the proxy and TLS settings: what Spring
 * Security's own token client ignores.
 */
class ConnectionSettingsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, SitecoreCdpAutoConfiguration.class))
		.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret");

	@Test
	void whenAProxyIsSetThenTokenCallAndApiCallsOfBothClientsGoThroughIt() {
		try (FakeTokenEndpoint tokenEndpoint = FakeTokenEndpoint.start().credentials("key", "secret");
				FakeCdpApi api = FakeCdpApi.start(tokenEndpoint).stub("/**", EchoPath::json);
				RecordingProxy proxy = RecordingProxy.start()) {
			this.contextRunner.withPropertyValues(endpoints(tokenEndpoint, api))
				.withPropertyValues("sitecore.cdp.proxy.host=127.0.0.1", "sitecore.cdp.proxy.port=" + proxy.port())
				.run((context) -> {
					callBothClients(context.getBean("cdpWebClient", WebClient.class),
							context.getBean("cdpRestClient", RestClient.class));
				});
			String tokenHost = tokenEndpoint.uri().getHost() + ":" + tokenEndpoint.uri().getPort();
			String apiHost = api.baseUrl().getHost() + ":" + api.baseUrl().getPort();
			assertThat(proxy.targets()).contains(tokenHost).contains(apiHost);
			assertThat(tokenEndpoint.requestCount()).isEqualTo(1);
			assertThat(api.requestCount()).isEqualTo(2);
		}
	}

	@Test
	void whenNoProxyIsSetThenTheJvmProxySystemPropertiesApply() {
		Map<String, String> previous = new HashMap<>();
		try (FakeTokenEndpoint tokenEndpoint = FakeTokenEndpoint.start().credentials("key", "secret");
				FakeCdpApi api = FakeCdpApi.start(tokenEndpoint).stub("/**", EchoPath::json);
				RecordingProxy proxy = RecordingProxy.start()) {
			setSystemProperty(previous, "http.proxyHost", "127.0.0.1");
			setSystemProperty(previous, "http.proxyPort", String.valueOf(proxy.port()));
			// The JVM's default exempts loopback hosts, which every server of this test is.
			setSystemProperty(previous, "http.nonProxyHosts", "nothing.invalid");
			this.contextRunner.withPropertyValues(endpoints(tokenEndpoint, api))
				.run((context) -> callBothClients(context.getBean("cdpWebClient", WebClient.class),
						context.getBean("cdpRestClient", RestClient.class)));
			String tokenHost = tokenEndpoint.uri().getHost() + ":" + tokenEndpoint.uri().getPort();
			String apiHost = api.baseUrl().getHost() + ":" + api.baseUrl().getPort();
			assertThat(proxy.targets()).contains(tokenHost).contains(apiHost);
		}
		finally {
			previous.forEach((name, value) -> {
				if (value != null) {
					System.setProperty(name, value);
				}
				else {
					System.clearProperty(name);
				}
			});
		}
	}

	@Test
	void whenTheProxyNeedsCredentialsThenTheyAreSent() {
		try (FakeTokenEndpoint tokenEndpoint = FakeTokenEndpoint.start().credentials("key", "secret");
				FakeCdpApi api = FakeCdpApi.start(tokenEndpoint).stub("/**", EchoPath::json);
				RecordingProxy proxy = RecordingProxy.start()) {
			this.contextRunner.withPropertyValues(endpoints(tokenEndpoint, api))
				.withPropertyValues("sitecore.cdp.proxy.host=127.0.0.1", "sitecore.cdp.proxy.port=" + proxy.port(),
						"sitecore.cdp.proxy.username=proxy-user", "sitecore.cdp.proxy.password=proxy-pass")
				.run((context) -> get(context.getBean("cdpWebClient", WebClient.class)));
			String expected = "Basic "
					+ Base64.getEncoder().encodeToString("proxy-user:proxy-pass".getBytes(StandardCharsets.UTF_8));
			assertThat(proxy.tunnels()).isNotEmpty()
				.allSatisfy((tunnel) -> assertThat(tunnel.proxyAuthorization()).isEqualTo(expected));
		}
	}

	@Test
	void whenHostsAreExemptFromTheProxyThenTheyAreReachedDirectly() {
		try (FakeTokenEndpoint tokenEndpoint = FakeTokenEndpoint.start().credentials("key", "secret");
				FakeCdpApi api = FakeCdpApi.start(tokenEndpoint).stub("/**", EchoPath::json);
				RecordingProxy proxy = RecordingProxy.start()) {
			this.contextRunner.withPropertyValues(endpoints(tokenEndpoint, api))
				.withPropertyValues("sitecore.cdp.proxy.host=127.0.0.1", "sitecore.cdp.proxy.port=" + proxy.port(),
						"sitecore.cdp.proxy.non-proxy-hosts=" + api.baseUrl().getHost() + ",*.example.com")
				.run((context) -> callBothClients(context.getBean("cdpWebClient", WebClient.class),
						context.getBean("cdpRestClient", RestClient.class)));
			assertThat(proxy.tunnels()).isEmpty();
			assertThat(api.requestCount()).isEqualTo(2);
		}
	}

	@Test
	void whenTheServersUseAPrivateCaThenTheSslBundleMakesBothCallsWork(@TempDir Path directory) throws Exception {
		HeldCertificate certificate = new HeldCertificate.Builder().addSubjectAlternativeName("localhost").build();
		FakeTls tls = FakeTls.of(certificate.keyPair().getPrivate(), certificate.certificate());
		Path pem = Files.writeString(directory.resolve("private-ca.pem"), certificate.certificatePem());
		try (FakeTokenEndpoint tokenEndpoint = FakeTokenEndpoint.start(Clock.systemUTC(), tls).credentials("key", "secret");
				FakeCdpApi api = FakeCdpApi.start(tokenEndpoint, Clock.systemUTC(), tls).stub("/**", EchoPath::json)) {
			assertThat(tokenEndpoint.uri().getScheme()).isEqualTo("https");
			this.contextRunner.withPropertyValues(endpoints(tokenEndpoint, api))
				.withPropertyValues("spring.ssl.bundle.pem.cdp.truststore.certificate=file:" + pem,
						"sitecore.cdp.ssl.bundle=cdp")
				.run((context) -> callBothClients(context.getBean("cdpWebClient", WebClient.class),
						context.getBean("cdpRestClient", RestClient.class)));
			assertThat(tokenEndpoint.requestCount()).isEqualTo(1);
			assertThat(api.requestCount()).isEqualTo(2);
		}
	}

	@Test
	void whenTheServersUseAPrivateCaWithoutTheBundleThenTheTokenCallFails() {
		HeldCertificate certificate = new HeldCertificate.Builder().addSubjectAlternativeName("localhost").build();
		FakeTls tls = FakeTls.of(certificate.keyPair().getPrivate(), certificate.certificate());
		try (FakeTokenEndpoint tokenEndpoint = FakeTokenEndpoint.start(Clock.systemUTC(), tls).credentials("key", "secret");
				FakeCdpApi api = FakeCdpApi.start(tokenEndpoint, Clock.systemUTC(), tls).stub("/**", EchoPath::json)) {
			this.contextRunner.withPropertyValues(endpoints(tokenEndpoint, api))
				.run((context) -> assertThatException()
					.isThrownBy(() -> get(context.getBean("cdpWebClient", WebClient.class)))
					.withMessageContaining("Sitecore token endpoint"));
			assertThat(api.requestCount()).isZero();
		}
	}

	@Test
	void whenTheSslBundleDoesNotExistThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("sitecore.cdp.ssl.bundle=missing")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sitecore.cdp.ssl.bundle")
				.hasMessageContaining("'missing'"));
	}

	@Test
	void whenProxyHostIsSetWithoutPortThenStartupFailsNamingThePort() {
		this.contextRunner.withPropertyValues("sitecore.cdp.proxy.host=proxy.example.com")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sitecore.cdp.proxy.port"));
	}

	private static void setSystemProperty(Map<String, String> previous, String name, String value) {
		previous.put(name, System.getProperty(name));
		System.setProperty(name, value);
	}

	private static String[] endpoints(FakeTokenEndpoint tokenEndpoint, FakeCdpApi api) {
		return new String[] { "sitecore.cdp.token-uri=" + tokenEndpoint.uri(),
				"sitecore.cdp.base-url=" + api.baseUrl() };
	}

	private static void callBothClients(WebClient webClient, RestClient restClient) {
		get(webClient);
		assertThat(restClient.get().uri("/v2/rest").retrieve().body(String.class)).contains("/v2/rest");
	}

	private static void get(WebClient client) {
		assertThat(client.get().uri("/v2/web").retrieve().bodyToMono(String.class).block(TIMEOUT)).contains("/v2/web");
	}

}

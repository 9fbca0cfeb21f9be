package io.github.sitecorecdp.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.net.ssl.SSLException;

import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.transport.ProxyProvider;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.util.StringUtils;

/**
 * Builds the Reactor Netty clients of the token call and the API calls from one set of
 * connection settings: timeouts, proxy and TLS.
 *
 * <p>
 * Spring Security's token client would otherwise use a bare WebClient: no timeouts, and
 * neither the proxy nor the trust store that API calls use, a long-standing complaint
 * (spring-security #6472, #7841, #8966, #9946).
 *
 * @author sitecore-cdp-spring-boot
 */
final class CdpHttpClients {

	private final SitecoreCdpProperties.Proxy proxy;

	private final @Nullable SslContext sslContext;

	private final HttpClient apiClient;

	CdpHttpClients(SitecoreCdpProperties properties, @Nullable SslBundles sslBundles) {
		this.proxy = properties.getProxy();
		this.sslContext = sslContext(properties.getSsl().getBundle(), sslBundles);
		this.apiClient = create(properties.getConnectTimeout(), properties.getResponseTimeout());
	}

	/**
	 * Return the client of API calls and file downloads, shared by every API client: the
	 * shared proxy and TLS settings, the API timeouts.
	 * @return the client
	 */
	HttpClient apiClient() {
		return this.apiClient;
	}

	/**
	 * Return a client of one registration's token calls: the shared proxy and TLS
	 * settings, the registration's token timeouts.
	 * @param registration the registration
	 * @return the client
	 */
	HttpClient tokenClient(CdpRegistration registration) {
		return create(registration.tokenConnectTimeout(), registration.tokenResponseTimeout());
	}

	/**
	 * Return a client of one registration's API calls: the shared proxy and TLS settings,
	 * the registration's API timeouts.
	 * @param registration the registration
	 * @return the client
	 */
	HttpClient apiClient(CdpRegistration registration) {
		return create(registration.connectTimeout(), registration.responseTimeout());
	}

	private HttpClient create(Duration connectTimeout, Duration responseTimeout) {
		HttpClient client = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(connectTimeout.toMillis()))
			.responseTimeout(responseTimeout);
		client = withProxy(client);
		if (this.sslContext != null) {
			SslContext context = this.sslContext;
			client = client.secure((spec) -> spec.sslContext(context));
		}
		return client;
	}

	private HttpClient withProxy(HttpClient client) {
		String host = this.proxy.getHost();
		if (!StringUtils.hasText(host)) {
			return client.proxyWithSystemProperties();
		}
		Integer port = this.proxy.getPort();
		if (port == null) {
			// Not reached: SitecoreCdpPropertiesValidator rejects a proxy host without a port.
			throw new IllegalStateException("sitecore.cdp.proxy.host is set, but sitecore.cdp.proxy.port is not");
		}
		String username = this.proxy.getUsername();
		String password = this.proxy.getPassword();
		String nonProxyHosts = nonProxyHostsPattern(this.proxy.getNonProxyHosts());
		return client.proxy((spec) -> {
			ProxyProvider.Builder builder = spec.type(ProxyProvider.Proxy.HTTP).host(host).port(port);
			if (StringUtils.hasText(username)) {
				builder.username(username);
				// Without a password Reactor Netty sends no credentials, as it did when the password
				// function answered null.
				if (password != null) {
					builder.password((user) -> password);
				}
			}
			if (nonProxyHosts != null) {
				builder.nonProxyHosts(nonProxyHosts);
			}
		});
	}

	/**
	 * Turns JVM-style host patterns ({@code localhost}, {@code *.internal}) into the one
	 * regular expression Reactor Netty takes.
	 */
	static @Nullable String nonProxyHostsPattern(List<String> hosts) {
		if (hosts.isEmpty()) {
			return null;
		}
		return hosts.stream()
			.map(String::trim)
			.filter(StringUtils::hasText)
			.map((host) -> Pattern.quote(host).replace("*", "\\E.*\\Q"))
			.collect(Collectors.joining("|"));
	}

	private static @Nullable SslContext sslContext(@Nullable String bundleName, @Nullable SslBundles sslBundles) {
		if (!StringUtils.hasText(bundleName)) {
			return null;
		}
		String property = "sitecore.cdp.ssl.bundle";
		if (sslBundles == null) {
			throw new InvalidSitecoreCdpPropertyException(property,
					property + " names SSL bundle '" + bundleName + "', but there are no SSL bundles.",
					"Define the bundle under spring.ssl.bundle.pem." + bundleName + " or spring.ssl.bundle.jks."
							+ bundleName + ".");
		}
		try {
			SslBundle bundle = sslBundles.getBundle(bundleName);
			SslOptions options = bundle.getOptions();
			return SslContextBuilder.forClient()
				.keyManager(bundle.getManagers().getKeyManagerFactory())
				.trustManager(bundle.getManagers().getTrustManagerFactory())
				.ciphers(SslOptions.asSet(options.getCiphers()))
				.protocols(options.getEnabledProtocols())
				.build();
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidSitecoreCdpPropertyException(property,
					property + " names SSL bundle '" + bundleName + "', which is not defined.",
					"Define the bundle under spring.ssl.bundle.pem." + bundleName + " or spring.ssl.bundle.jks."
							+ bundleName + ", or correct " + property + ".");
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Could not build TLS settings from SSL bundle '" + bundleName + "'", ex);
		}
	}

}

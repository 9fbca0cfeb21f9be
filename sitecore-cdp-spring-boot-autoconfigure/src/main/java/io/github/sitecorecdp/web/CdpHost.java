package io.github.sitecorecdp.web;

import java.net.URI;
import java.util.Locale;

import org.springframework.util.Assert;

/**
 * The one origin (scheme, host, port) that may receive the access token: the Sitecore CDP
 * API host. Spring Security's stock filter sends its token to whatever URL a request
 * names; ours goes only here.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CdpHost {

	private final String scheme;

	private final String host;

	private final int port;

	private CdpHost(String scheme, String host, int port) {
		this.scheme = scheme;
		this.host = host;
		this.port = port;
	}

	/**
	 * Return the origin of the given base URL.
	 * @param baseUrl the Sitecore CDP base URL
	 * @return its origin
	 */
	public static CdpHost of(URI baseUrl) {
		Assert.isTrue(baseUrl.isAbsolute() && baseUrl.getHost() != null, "baseUrl must be absolute");
		String scheme = baseUrl.getScheme().toLowerCase(Locale.ROOT);
		return new CdpHost(scheme, baseUrl.getHost().toLowerCase(Locale.ROOT), port(scheme, baseUrl.getPort()));
	}

	/**
	 * Return whether a request to the given URL goes to this origin.
	 * @param url the request URL
	 * @return whether it may carry the access token
	 */
	public boolean matches(URI url) {
		String scheme = url.getScheme();
		String host = url.getHost();
		return scheme != null && host != null && this.scheme.equalsIgnoreCase(scheme) && this.host.equalsIgnoreCase(host)
				&& this.port == port(this.scheme, url.getPort());
	}

	private static int port(String scheme, int port) {
		if (port != -1) {
			return port;
		}
		return scheme.equals("http") ? 80 : 443;
	}

	@Override
	public String toString() {
		return this.scheme + "://" + this.host + ":" + this.port;
	}

}

package io.github.sitecorecdp.fake;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A server certificate for a fake that serves HTTPS, to test trust settings such as
 * Spring Boot's SSL bundles.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class FakeTls {

	private final PrivateKey privateKey;

	private final List<X509Certificate> chain;

	private FakeTls(PrivateKey privateKey, List<X509Certificate> chain) {
		this.privateKey = privateKey;
		this.chain = chain;
	}

	/**
	 * Serve HTTPS with this key and certificate chain.
	 * @param privateKey the server's private key
	 * @param chain the server's certificate first, then its issuers
	 * @return the TLS settings
	 */
	public static FakeTls of(PrivateKey privateKey, X509Certificate... chain) {
		if (chain.length == 0) {
			throw new IllegalArgumentException("A server certificate is required");
		}
		return new FakeTls(privateKey, List.of(chain));
	}

	PrivateKey privateKey() {
		return this.privateKey;
	}

	X509Certificate[] chain() {
		return this.chain.toArray(new X509Certificate[0]);
	}

	@Override
	public String toString() {
		// The private key stays out of test reports.
		return "FakeTls[" + this.chain.get(0).getSubjectX500Principal().getName() + "]";
	}

}

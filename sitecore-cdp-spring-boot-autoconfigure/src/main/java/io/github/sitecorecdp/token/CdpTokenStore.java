package io.github.sitecorecdp.token;

import java.net.URI;

/**
 * A place where the instances of an application share their tokens, so that a fleet
 * requests one token per registration instead of one per instance. Each registration gets
 * a {@link CdpTokenSource} of its own that stands in front of its token endpoint.
 *
 * @author sitecore-cdp-spring-boot
 */
public interface CdpTokenStore {

	/**
	 * Return the source of one registration's tokens.
	 * @param registration what names, keys and protects the registration's entry
	 * @param endpoint where tokens come from when the store has none to give
	 * @param policy the registration's token lifecycle (refresh point, backoff)
	 * @return the source
	 */
	CdpTokenSource sourceFor(Registration registration, CdpTokenSource endpoint, TokenPolicy policy);

	/**
	 * What identifies one registration's tokens in a shared store.
	 *
	 * @param label what logs and exceptions call the registration
	 * @param apiKey the API key; never stored or shown as such
	 * @param apiSecret the API secret, from which the key that seals the entry is derived
	 * @param audience the audience the tokens are for
	 * @param tokenUri the token endpoint
	 */
	record Registration(String label, String apiKey, String apiSecret, String audience, URI tokenUri) {

		@Override
		public String toString() {
			// Never the key or the secret.
			return "Registration[" + this.label + ", audience=" + this.audience + ", tokenUri=" + this.tokenUri + "]";
		}

	}

}

package io.github.sitecorecdp.events;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * An identifier of a guest, sent in an IDENTITY event ({@code identifiers[]}): data model
 * 2.1 resolves the guest from identifiers only.
 *
 * @param id the identifier's value, such as an e-mail address or a customer number
 * @param provider the system the identifier comes from, such as {@code email} or
 * {@code CRM}
 * @param expiryDate when the identifier expires (ISO 8601), or {@code null}
 * @author sitecore-cdp-spring-boot
 */
public record Identifier(String id, String provider, @Nullable String expiryDate) {

	public Identifier {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(provider, "provider");
	}

	/**
	 * Return an identifier that does not expire.
	 * @param id the value
	 * @param provider the provider
	 * @return the identifier
	 */
	public static Identifier of(String id, String provider) {
		return new Identifier(id, provider, null);
	}

}

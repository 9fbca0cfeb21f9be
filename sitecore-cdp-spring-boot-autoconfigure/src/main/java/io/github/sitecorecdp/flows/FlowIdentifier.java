package io.github.sitecorecdp.flows;

import java.util.Objects;

/**
 * One identifier of a guest, as Sitecore's {@code identifiers} entries ({@code id} and
 * {@code provider}).
 *
 * @param id the identifier's value, such as a customer number
 * @param provider the system that issued it, such as {@code CRM}
 */
public record FlowIdentifier(String id, String provider) {

	public FlowIdentifier {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(provider, "provider");
		if (id.isBlank() || provider.isBlank()) {
			throw new IllegalArgumentException("An identifier needs a non-blank id and provider");
		}
	}

}

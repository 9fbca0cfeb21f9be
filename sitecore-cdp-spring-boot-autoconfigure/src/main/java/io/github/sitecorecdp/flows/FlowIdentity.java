package io.github.sitecorecdp.flows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Who a flow is run for: exactly one of a browser ref, an e-mail address or identifiers,
 * as {@code POST /v2/callFlows} requires. A browser ref keeps the call in the visitor's
 * session; an e-mail address or identifiers start a new session per call.
 *
 * @param browserId the visitor's browser ref, or {@code null}
 * @param email the guest's e-mail address, or {@code null}
 * @param identifiers the guest's identifiers, or {@code null}
 */
public record FlowIdentity(@Nullable String browserId, @Nullable String email,
		@Nullable List<FlowIdentifier> identifiers) {

	public FlowIdentity {
		int given = ((browserId != null) ? 1 : 0) + ((email != null) ? 1 : 0) + ((identifiers != null) ? 1 : 0);
		if (given != 1) {
			throw new IllegalArgumentException("A flow identity needs exactly one of browser ref, e-mail or "
					+ "identifiers, but " + given + " were given");
		}
		if ((browserId != null && browserId.isBlank()) || (email != null && email.isBlank())) {
			throw new IllegalArgumentException("A flow identity's browser ref or e-mail must not be blank");
		}
		if (identifiers != null) {
			if (identifiers.isEmpty()) {
				throw new IllegalArgumentException("A flow identity's identifiers must not be empty");
			}
			identifiers = List.copyOf(identifiers);
		}
	}

	/**
	 * A visitor known by the browser ref of the Stream API.
	 * @param browserId the browser ref
	 * @return the identity
	 */
	public static FlowIdentity ofBrowser(String browserId) {
		return new FlowIdentity(browserId, null, null);
	}

	/**
	 * A guest known by e-mail address.
	 * @param email the e-mail address
	 * @return the identity
	 */
	public static FlowIdentity ofEmail(String email) {
		return new FlowIdentity(null, email, null);
	}

	/**
	 * A guest known by identifiers.
	 * @param identifiers one or more identifiers
	 * @return the identity
	 */
	public static FlowIdentity ofIdentifiers(FlowIdentifier... identifiers) {
		return new FlowIdentity(null, null, List.of(identifiers));
	}

	/** The identity's fields of the request body. */
	Map<String, Object> toBody() {
		Map<String, Object> body = new LinkedHashMap<>();
		if (this.browserId != null) {
			body.put("browserId", this.browserId);
		}
		else if (this.email != null) {
			body.put("email", this.email);
		}
		else if (this.identifiers != null) {
			body.put("identifiers",
					this.identifiers.stream().map((i) -> Map.of("id", i.id(), "provider", i.provider())).toList());
		}
		return body;
	}

	@Override
	public String toString() {
		// E-mail addresses and identifiers are personal data: keep them out of logs.
		return (this.browserId != null) ? "FlowIdentity[browser]" : (this.email != null) ? "FlowIdentity[email]"
				: "FlowIdentity[identifiers]";
	}

}

package io.github.sitecorecdp.token;

import org.jspecify.annotations.Nullable;

/**
 * Where a registration's token is kept, as health and metrics show it.
 *
 * @param store {@code in-memory} or the name of the shared store, such as {@code redis}
 * @param shared whether the token is shared with the other instances right now; {@code false}
 * for a shared store that is unavailable, while the instance gets its own tokens
 * @param problem why a shared store is not used right now, or {@code null}
 * @author sitecore-cdp-spring-boot
 */
public record CdpTokenStoreState(String store, boolean shared, @Nullable String problem) {

	/** Each instance keeps its own token. */
	public static final CdpTokenStoreState IN_MEMORY = new CdpTokenStoreState("in-memory", false, null);

	/**
	 * Return whether a shared store is configured but cannot be used right now.
	 * @return whether the instance fell back to its own tokens
	 */
	public boolean isFallback() {
		return this.problem != null;
	}

}

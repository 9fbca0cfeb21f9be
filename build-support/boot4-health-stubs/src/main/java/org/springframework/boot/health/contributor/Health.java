package org.springframework.boot.health.contributor;

import java.util.Map;

/**
 * Signature stub of Spring Boot 4's {@code Health}; compile-only.
 */
public final class Health {

	private Health() {
	}

	public static Builder up() {
		throw new UnsupportedOperationException("compile-only stub");
	}

	public static Builder down() {
		throw new UnsupportedOperationException("compile-only stub");
	}

	/**
	 * Signature stub of {@code Health.Builder}.
	 */
	public static class Builder {

		public Builder withDetails(Map<String, ?> details) {
			throw new UnsupportedOperationException("compile-only stub");
		}

		public Health build() {
			throw new UnsupportedOperationException("compile-only stub");
		}

	}

}

package org.springframework.boot.health.contributor;

/**
 * Signature stub of Spring Boot 4's {@code HealthIndicator}; compile-only.
 */
public interface HealthIndicator {

	Health health();

}

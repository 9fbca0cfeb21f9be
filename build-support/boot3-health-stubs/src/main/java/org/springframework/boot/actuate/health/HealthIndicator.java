package org.springframework.boot.actuate.health;

/**
 * Signature stub of Spring Boot 3's {@code HealthIndicator}; compile-only.
 */
public interface HealthIndicator {

	Health health();

}

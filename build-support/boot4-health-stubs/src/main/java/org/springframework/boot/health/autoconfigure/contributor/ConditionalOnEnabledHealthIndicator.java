package org.springframework.boot.health.autoconfigure.contributor;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Signature stub of Spring Boot 4's {@code ConditionalOnEnabledHealthIndicator};
 * compile-only. At runtime the real annotation, with its condition, is read.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface ConditionalOnEnabledHealthIndicator {

	String value();

}

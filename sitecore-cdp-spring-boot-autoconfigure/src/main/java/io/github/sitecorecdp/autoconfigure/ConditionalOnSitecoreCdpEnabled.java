package io.github.sitecorecdp.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/**
 * Matches unless {@code sitecore.cdp.enabled} is {@code false}.
 *
 * @author sitecore-cdp-spring-boot
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@ConditionalOnProperty(prefix = "sitecore.cdp", name = "enabled", havingValue = "true", matchIfMissing = true)
public @interface ConditionalOnSitecoreCdpEnabled {

}

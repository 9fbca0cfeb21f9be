package io.github.sitecorecdp.batch;

import org.jspecify.annotations.Nullable;

/**
 * A record Sitecore refused, from a batch's error log.
 *
 * @param ref the record's reference, or {@code null} if the log names none
 * @param code Sitecore's error code
 * @param message what is wrong with it
 * @author sitecore-cdp-spring-boot
 */
public record FailedRecord(@Nullable String ref, String code, String message) {
}

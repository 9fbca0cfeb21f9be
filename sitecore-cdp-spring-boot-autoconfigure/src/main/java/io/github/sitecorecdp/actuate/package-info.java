/**
 * Actuator support: metrics and the {@code sitecoreCdp} health check.
 */
@NullMarked
package io.github.sitecorecdp.actuate;

import org.jspecify.annotations.NullMarked;

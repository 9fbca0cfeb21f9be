/**
 * Test support: a fake Sitecore CDP on loopback and {@code @AutoConfigureFakeSitecoreCdp}.
 */
@NullMarked
package io.github.sitecorecdp.test;

import org.jspecify.annotations.NullMarked;

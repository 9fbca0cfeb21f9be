/**
 * {@code @AutoConfigureFakeSitecoreCdp}: the fake Sitecore CDP of
 * {@code io.github.sitecorecdp.fake} started for a Spring test context and wired into the
 * starter's properties.
 */
@NullMarked
package io.github.sitecorecdp.test;

import org.jspecify.annotations.NullMarked;

/**
 * Auto-configuration of the Sitecore CDP client and its {@code sitecore.cdp.*} properties.
 */
@NullMarked
package io.github.sitecorecdp.autoconfigure;

import org.jspecify.annotations.NullMarked;

/**
 * Errors of the Sitecore CDP REST APIs.
 */
@NullMarked
package io.github.sitecorecdp.api;

import org.jspecify.annotations.NullMarked;

/**
 * The typed Audience export client: exports, reports and file downloads.
 */
@NullMarked
package io.github.sitecorecdp.audience;

import org.jspecify.annotations.NullMarked;

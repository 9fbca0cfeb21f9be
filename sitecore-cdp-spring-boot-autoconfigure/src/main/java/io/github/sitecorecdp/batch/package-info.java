/**
 * Import into Sitecore CDP through the Batch API: records, the gzip JSON-lines files they
 * are written to, and their upload.
 */
@NullMarked
package io.github.sitecorecdp.batch;

import org.jspecify.annotations.NullMarked;

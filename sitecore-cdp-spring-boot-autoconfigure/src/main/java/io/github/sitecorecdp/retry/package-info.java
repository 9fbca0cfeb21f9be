/**
 * One retry policy for the idempotent calls the starter makes (status polls, uploads to
 * presigned URLs, error-log reads, Audience export reads): transient failures only,
 * jittered backoff that honours {@code Retry-After}, within each call's deadline.
 */
@NullMarked
package io.github.sitecorecdp.retry;

import org.jspecify.annotations.NullMarked;

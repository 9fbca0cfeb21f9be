/**
 * Server-side events for Sitecore CDP's Stream API: typed events validated at
 * {@code send}, a bounded queue that never blocks the caller, one visitor's events in
 * order, retries of transient failures, {@code flush} and a graceful shutdown that drains.
 */
@NullMarked
package io.github.sitecorecdp.events;

import org.jspecify.annotations.NullMarked;

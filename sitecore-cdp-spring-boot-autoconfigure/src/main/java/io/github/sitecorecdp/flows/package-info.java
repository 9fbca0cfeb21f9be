/**
 * Personalize flow execution ({@code POST /v2/callFlows}): a decision within a strict
 * deadline, or the caller's fallback, never an exception on the request path.
 */
@NullMarked
package io.github.sitecorecdp.flows;

import org.jspecify.annotations.NullMarked;

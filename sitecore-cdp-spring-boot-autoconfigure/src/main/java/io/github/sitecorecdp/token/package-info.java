/**
 * Access tokens: the token endpoint client, the token manager and its timing rules.
 */
@NullMarked
package io.github.sitecorecdp.token;

import org.jspecify.annotations.NullMarked;

/**
 * Tokens shared by every instance of an application through Redis.
 */
@NullMarked
package io.github.sitecorecdp.token.redis;

import org.jspecify.annotations.NullMarked;

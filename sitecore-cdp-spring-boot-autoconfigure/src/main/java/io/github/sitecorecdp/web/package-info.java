/**
 * The bearer-token protocol and the WebClient connector and RestClient request factory that apply it.
 */
@NullMarked
package io.github.sitecorecdp.web;

import org.jspecify.annotations.NullMarked;

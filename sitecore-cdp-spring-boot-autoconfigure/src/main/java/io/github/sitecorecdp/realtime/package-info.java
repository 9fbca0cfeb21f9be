/**
 * What the real-time APIs share: the Stream API's events and Personalize's flow execution
 * both authenticate with the tenant's client key only and carry the same point of sale,
 * channel, language and currency.
 */
@NullMarked
package io.github.sitecorecdp.realtime;

import org.jspecify.annotations.NullMarked;

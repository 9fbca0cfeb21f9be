package io.github.sitecorecdp.flows;

/**
 * A flow decision as a test application reads it.
 *
 * @param title the offer's title
 */
record Offer(String title) {

	static final Offer DEFAULT = new Offer("default");

}

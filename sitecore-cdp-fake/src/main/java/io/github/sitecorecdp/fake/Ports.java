package io.github.sitecorecdp.fake;

/**
 * The loopback ports of a fake's three servers; 0 lets the system pick a free one.
 *
 * @param token the token endpoint's port
 * @param api the API's port
 * @param file the file host's port
 */
record Ports(int token, int api, int file) {

	/** Free ports, as tests want them: fakes of parallel tests never collide. */
	static final Ports ANY = new Ports(0, 0, 0);

}

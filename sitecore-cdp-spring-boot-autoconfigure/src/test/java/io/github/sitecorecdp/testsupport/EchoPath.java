package io.github.sitecorecdp.testsupport;

import io.github.sitecorecdp.fake.RecordedCdpRequest;

/**
 * An answer for the fake API's stubs that names the path it answers, so that a test sees
 * which request a body came from.
 */
public final class EchoPath {

	private EchoPath() {
	}

	public static String json(RecordedCdpRequest request) {
		return "{\"path\":\"" + request.path() + "\"}";
	}

}

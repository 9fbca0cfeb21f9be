package io.github.sitecorecdp.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Reads an HTTP/1.1 request head off a socket, for the servers tests write by hand.
 */
public final class HttpHeads {

	private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	private HttpHeads() {
	}

	/**
	 * Read the head up to its blank line.
	 * @param in the connection's input
	 * @return the request line and headers, or {@code null} when the client closed before
	 * the head ended
	 * @throws IOException when reading fails
	 */
	public static @Nullable String read(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < END_OF_HEAD.length) {
			int b = in.read();
			if (b == -1) {
				return null;
			}
			head.write(b);
			matched = (b == END_OF_HEAD[matched]) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		return head.toString(StandardCharsets.ISO_8859_1);
	}

}

package io.github.sitecorecdp.audience;

import java.io.IOException;
import java.io.Reader;

import org.jspecify.annotations.Nullable;

/**
 * Reads lines of at most a given length. {@code BufferedReader.readLine()} has no bound:
 * a file that is one huge line would be read whole, and the {@code OutOfMemoryError}
 * would never reach the caller.
 *
 * @author sitecore-cdp-spring-boot
 */
final class BoundedLineReader implements AutoCloseable {

	private final Reader reader;

	private final int maxLength;

	private final char[] buffer = new char[8192];

	private int position;

	private int limit;

	BoundedLineReader(Reader reader, int maxLength) {
		this.reader = reader;
		this.maxLength = maxLength;
	}

	/**
	 * Return the next line without its terminator ({@code \n}, {@code \r\n} or {@code \r}).
	 * @return the line, or {@code null} at the end of the input
	 * @throws LineTooLongException if the line is longer than the bound
	 * @throws IOException if the input cannot be read
	 */
	@Nullable String readLine() throws IOException {
		StringBuilder line = null;
		while (true) {
			if (this.position == this.limit && !fill()) {
				return (line != null) ? line.toString() : null;
			}
			int start = this.position;
			while (this.position < this.limit) {
				char c = this.buffer[this.position];
				if (c == '\n' || c == '\r') {
					line = append(line, start, this.position);
					this.position++;
					if (c == '\r' && (this.position < this.limit || fill()) && this.buffer[this.position] == '\n') {
						this.position++;
					}
					return line.toString();
				}
				this.position++;
			}
			line = append(line, start, this.position);
		}
	}

	private StringBuilder append(@Nullable StringBuilder line, int start, int end) throws LineTooLongException {
		StringBuilder target = (line != null) ? line : new StringBuilder(Math.min(end - start + 16, this.maxLength));
		if (target.length() + (end - start) > this.maxLength) {
			throw new LineTooLongException(this.maxLength);
		}
		return target.append(this.buffer, start, end - start);
	}

	private boolean fill() throws IOException {
		int read = this.reader.read(this.buffer);
		if (read <= 0) {
			this.position = 0;
			this.limit = 0;
			return false;
		}
		this.position = 0;
		this.limit = read;
		return true;
	}

	@Override
	public void close() throws IOException {
		this.reader.close();
	}

	/**
	 * A line longer than the bound.
	 */
	static final class LineTooLongException extends IOException {

		LineTooLongException(int maxLength) {
			super("longer than " + maxLength + " characters");
		}

	}

}

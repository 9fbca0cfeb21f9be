package io.github.sitecorecdp.batch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.core.io.buffer.DataBuffer;

/**
 * Splits a batch's error log into lines and reads each as a {@link FailedRecord}. Written
 * by hand rather than with WebFlux's string decoder, whose line buffer has a limit: a line
 * over it failed the whole read and lost the batch's outcome. Here a line longer than
 * {@value #MAX_LINE_BYTES} bytes is cut, its {@code ref} and {@code code} (which come
 * first) kept. Not thread-safe: one per read of a log.
 *
 * @author sitecore-cdp-spring-boot
 */
final class ErrorLogLines {

	/** Longest part of a line kept: a log can list every record of a 50 MB file. */
	static final int MAX_LINE_BYTES = 8 * 1024;

	private static final Pattern FIELD = Pattern
		.compile("\"(ref|code|message)\"\\s*:\\s*(\"[^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+\"|-?\\d+)");

	/**
	 * A string cut off with its line. Both patterns use the unrolled, possessive form: an
	 * alternation under a star recurses once per character in Java and overflowed the stack
	 * on a long message.
	 */
	private static final Pattern CUT_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\\\\?$");

	private final ByteArrayOutputStream line = new ByteArrayOutputStream();

	/**
	 * Take the next part of the log.
	 * @param buffer the bytes, not released here
	 * @return the lines it completed
	 */
	List<String> feed(DataBuffer buffer) {
		List<String> lines = new ArrayList<>();
		int count = buffer.readableByteCount();
		for (int i = 0; i < count; i++) {
			byte b = buffer.read();
			if (b == '\n') {
				lines.add(take());
			}
			else if (this.line.size() < MAX_LINE_BYTES) {
				this.line.write(b);
			}
		}
		return lines;
	}

	/**
	 * End the log.
	 * @return its last line, if it did not end with a line break
	 */
	List<String> finish() {
		return (this.line.size() > 0) ? List.of(take()) : List.of();
	}

	private String take() {
		String text = this.line.toString(StandardCharsets.UTF_8);
		this.line.reset();
		return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
	}

	/**
	 * Read one line of an error log, {@code {"ref":..,"code":..,"message":..}}, with a code
	 * as a number or a string. A line that is not like that is kept whole as the message.
	 * @param line the line
	 * @return the failed record
	 */
	static FailedRecord failedRecord(String line) {
		Map<String, String> fields = new LinkedHashMap<>();
		Matcher field = FIELD.matcher(line);
		while (field.find()) {
			String value = field.group(2);
			fields.putIfAbsent(field.group(1),
					value.startsWith("\"") ? unescape(value.substring(1, value.length() - 1)) : value);
		}
		if (!fields.containsKey("message")) {
			Matcher cut = CUT_MESSAGE.matcher(line);
			if (cut.find()) {
				fields.put("message", unescape(cut.group(1)));
			}
		}
		return new FailedRecord(fields.get("ref"), fields.getOrDefault("code", "UNKNOWN"),
				fields.getOrDefault("message", line));
	}

	/** Decodes the escapes of a JSON string; a malformed one is kept as sent. */
	private static String unescape(String text) {
		if (text.indexOf('\\') < 0) {
			return text;
		}
		StringBuilder out = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c != '\\' || i + 1 >= text.length()) {
				out.append(c);
				continue;
			}
			char next = text.charAt(++i);
			switch (next) {
				case 'n' -> out.append('\n');
				case 'r' -> out.append('\r');
				case 't' -> out.append('\t');
				case 'b' -> out.append('\b');
				case 'f' -> out.append('\f');
				case 'u' -> {
					int code = (i + 4 < text.length()) ? hex(text, i + 1) : -1;
					if (code < 0) {
						out.append('\\').append('u');
					}
					else {
						out.append((char) code);
						i += 4;
					}
				}
				default -> out.append(next);
			}
		}
		return out.toString();
	}

	private static int hex(String text, int start) {
		int value = 0;
		for (int i = start; i < start + 4; i++) {
			int digit = Character.digit(text.charAt(i), 16);
			if (digit < 0) {
				return -1;
			}
			value = value * 16 + digit;
		}
		return value;
	}

}

package io.github.sitecorecdp.batch;

import java.util.Objects;
import java.util.UUID;

/**
 * One record of a batch import: one line of the file Sitecore reads,
 * {@code {"ref":..,"schema":..,"mode":..,"value":{..}}}. The value is the application's own
 * JSON object, kept as it is but for whitespace between tokens, which is dropped so that
 * the record takes one line, and for raw U+2028 and U+2029 inside strings, which are
 * written as JSON escapes (the same string once read) so that no line splitter, such as
 * JavaScript's, can cut the record.
 *
 * <p>
 * The {@code ref}: Sitecore's data model 2.1 batch format page asks for "a version 3 or 5
 * UUID", while its newer examples use random (version 4) ones; its pages only need the ref
 * to be unique per record and in UUID form. The helpers give random version 4 UUIDs, as
 * those examples do: a name-based version 3 or 5 ref would repeat whenever the same row is
 * imported again. An application that wants to find a record again from its ref can pass
 * its own, of any version, to {@link #of}.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class BatchRecord {

	private final UUID ref;

	private final BatchSchema schema;

	private final BatchMode mode;

	private final String value;

	private BatchRecord(UUID ref, BatchSchema schema, BatchMode mode, String value) {
		this.ref = ref;
		this.schema = schema;
		this.mode = mode;
		this.value = value;
	}

	/**
	 * Create a record.
	 * @param ref the record's reference, by which Sitecore reports it
	 * @param schema what it holds
	 * @param mode how Sitecore applies it
	 * @param valueJson the value, a JSON object
	 * @return the record
	 * @throws IllegalArgumentException if the value is not one JSON object: it must start with
	 * an opening brace, end with the brace that closes it, and close its strings; or if it
	 * holds a lone surrogate, which UTF-8 cannot carry (it would arrive as {@code ?}). The
	 * JSON inside is not parsed otherwise (Sitecore reports a malformed value per record)
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public static BatchRecord of(UUID ref, BatchSchema schema, BatchMode mode, String valueJson) {
		Objects.requireNonNull(ref, "A batch record needs a ref");
		Objects.requireNonNull(schema, "A batch record needs a schema");
		Objects.requireNonNull(mode, "A batch record needs a mode");
		Objects.requireNonNull(valueJson, "A batch record needs a value");
		return new BatchRecord(ref, schema, mode, minifiedObject(valueJson));
	}

	/**
	 * Create a guest record with a new random reference.
	 * @param mode how Sitecore applies it
	 * @param valueJson the guest, a JSON object
	 * @return the record
	 */
	public static BatchRecord guest(BatchMode mode, String valueJson) {
		return of(UUID.randomUUID(), BatchSchema.GUEST, mode, valueJson);
	}

	/**
	 * Create an order record with a new random reference.
	 * @param mode how Sitecore applies it
	 * @param valueJson the order, a JSON object
	 * @return the record
	 */
	public static BatchRecord order(BatchMode mode, String valueJson) {
		return of(UUID.randomUUID(), BatchSchema.ORDER, mode, valueJson);
	}

	/**
	 * Create a tracking-event record with a new random reference.
	 * @param mode how Sitecore applies it
	 * @param valueJson the event, a JSON object
	 * @return the record
	 */
	public static BatchRecord tracking(BatchMode mode, String valueJson) {
		return of(UUID.randomUUID(), BatchSchema.TRACKING, mode, valueJson);
	}

	/**
	 * Return the record's reference, by which Sitecore reports it.
	 * @return the reference
	 */
	public UUID ref() {
		return this.ref;
	}

	/**
	 * Return what the record holds.
	 * @return the schema
	 */
	public BatchSchema schema() {
		return this.schema;
	}

	/**
	 * Return how Sitecore applies the record.
	 * @return the mode
	 */
	public BatchMode mode() {
		return this.mode;
	}

	/**
	 * Return the value, minified.
	 * @return the JSON object
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Return the record as the line Sitecore reads, without the line break.
	 * @return the JSON line
	 */
	public String toJsonLine() {
		return "{\"ref\":\"" + this.ref + "\",\"schema\":\"" + this.schema.wireValue() + "\",\"mode\":\""
				+ this.mode.wireValue() + "\",\"value\":" + this.value + "}";
	}

	@Override
	public String toString() {
		// Not the value: it holds personal data.
		return "BatchRecord[" + this.ref + ", " + this.schema.wireValue() + ", " + this.mode.wireValue() + "]";
	}

	/**
	 * Drops whitespace outside strings, so that a pretty-printed object takes one line,
	 * and checks that the value is one JSON object with balanced brackets and strings.
	 * Written by hand: parsing into a tree would tie this to a JSON library (Jackson 2 or
	 * 3), and the value must stay exactly the application's.
	 */
	static String minifiedObject(String json) {
		StringBuilder out = new StringBuilder(json.length());
		boolean inString = false;
		boolean escaped = false;
		int depth = 0;
		boolean closed = false;
		for (int i = 0; i < json.length(); i++) {
			char c = json.charAt(i);
			if (Character.isSurrogate(c)) {
				if (!Character.isHighSurrogate(c) || i + 1 >= json.length()
						|| !Character.isLowSurrogate(json.charAt(i + 1))) {
					throw new IllegalArgumentException("A batch record value has a lone surrogate (U+"
							+ Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + ") at index " + i
							+ ", which UTF-8 cannot encode");
				}
				if (!inString) {
					throw new IllegalArgumentException("A batch record value must be one JSON object");
				}
				out.append(c).append(json.charAt(++i));
				continue;
			}
			if (inString) {
				if (c == '\n' || c == '\r') {
					throw new IllegalArgumentException("A batch record value has a line break inside a string");
				}
				if (c == '\u2028' || c == '\u2029') {
					out.append((c == '\u2028') ? "\\u2028" : "\\u2029");
					escaped = false;
					continue;
				}
				out.append(c);
				if (escaped) {
					escaped = false;
				}
				else if (c == '\\') {
					escaped = true;
				}
				else if (c == '"') {
					inString = false;
				}
				continue;
			}
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
				continue;
			}
			if (closed) {
				throw new IllegalArgumentException("A batch record value must be one JSON object; found more after it");
			}
			if (out.length() == 0 && c != '{') {
				throw new IllegalArgumentException("A batch record value must be a JSON object, starting with '{'");
			}
			if (c == '"') {
				inString = true;
			}
			else if (c == '{' || c == '[') {
				depth++;
			}
			else if (c == '}' || c == ']') {
				depth--;
				closed = depth == 0;
			}
			out.append(c);
		}
		if (inString || depth != 0 || out.length() == 0) {
			throw new IllegalArgumentException("A batch record value must be one complete JSON object");
		}
		return out.toString();
	}

}

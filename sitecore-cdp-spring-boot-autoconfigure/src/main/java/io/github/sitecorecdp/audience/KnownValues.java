package io.github.sitecorecdp.audience;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Reads Sitecore's values leniently: Sitecore adds enum values over time and may leave
 * numbers out, and neither must make a whole response unreadable.
 *
 * @author sitecore-cdp-spring-boot
 */
final class KnownValues {

	private KnownValues() {
	}

	/**
	 * Read an absent number as zero. Record components are boxed for this reason: Jackson
	 * 3 refuses {@code null} for a primitive, which would fail the whole call.
	 */
	static long orZero(@Nullable Long value) {
		return (value != null) ? value : 0L;
	}

	static <E extends Enum<E>> E parse(Class<E> type, @Nullable String value, E unknown) {
		if (value == null || value.isBlank()) {
			return unknown;
		}
		try {
			return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return unknown;
		}
	}

}

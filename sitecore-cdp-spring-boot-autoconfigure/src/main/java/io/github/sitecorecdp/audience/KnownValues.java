package io.github.sitecorecdp.audience;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Reads enum values leniently: Sitecore adds values over time, and an unknown one must
 * not make a whole response unreadable.
 *
 * @author sitecore-cdp-spring-boot
 */
final class KnownValues {

	private KnownValues() {
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

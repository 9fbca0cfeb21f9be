package io.github.sitecorecdp.audience;

import org.jspecify.annotations.Nullable;

/**
 * What applying an export file does to the audience downstream.
 *
 * @author sitecore-cdp-spring-boot
 */
public enum DeltaAction {

	/** The file's guests joined the audience (or are the whole audience, for a full sync). */
	ADD,

	/** The file's guests left the audience. */
	REMOVE,

	/** A value this version does not know yet. */
	UNKNOWN;

	static DeltaAction of(@Nullable String value) {
		return KnownValues.parse(DeltaAction.class, value, UNKNOWN);
	}

}

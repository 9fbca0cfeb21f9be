package io.github.sitecorecdp.realtime;

/**
 * The channels Sitecore CDP accepts on an event or a flow call ("channel" in the Stream
 * API's event data model).
 */
public enum Channel {

	/** An airport kiosk. */
	AIRPORT_KIOSK,

	/** A branch office. */
	BRANCH,

	/** A call centre. */
	CALL_CENTER,

	/** E-mail. */
	EMAIL,

	/** A global distribution system. */
	GDS,

	/** A kiosk. */
	KIOSK,

	/** A native mobile application. */
	MOBILE_APP,

	/** A mobile web site. */
	MOBILE_WEB,

	/** Text messages. */
	SMS,

	/** Offline. */
	OFFLINE,

	/** An online travel agency. */
	OTA,

	/** Any other channel. */
	OTHER,

	/** A web site. */
	WEB

}

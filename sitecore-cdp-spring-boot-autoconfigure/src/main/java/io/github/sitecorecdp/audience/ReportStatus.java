package io.github.sitecorecdp.audience;

/**
 * Status of an Audience export job.
 *
 * @author sitecore-cdp-spring-boot
 */
public enum ReportStatus {

	/** Waiting for guest context. */
	PENDING_GUEST_CONTEXT,

	/** Waiting for segmentation. */
	PENDING_SEGMENTATION,

	/** Waiting to be submitted. */
	PENDING_EMR_SUBMIT,

	/** Running. */
	PENDING_EMR_JOB,

	/** Finished; its output can be downloaded. */
	SUCCESS,

	/** Failed. */
	FAILED,

	/** Finished with alerts. */
	ALERT,

	/** A value this version does not know yet. */
	UNKNOWN

}

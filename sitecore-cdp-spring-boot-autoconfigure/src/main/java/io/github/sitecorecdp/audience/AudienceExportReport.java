package io.github.sitecorecdp.audience;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The report of one finished Audience export job. Enumerated values are kept as Sitecore
 * sends them and read through the typed accessors, which tolerate new values.
 *
 * @param executionRef the job execution, for {@link AudienceExportClient#export(String)}
 * @param definitionRef the Audience export definition
 * @param executionType {@code INSTANT_RUN} or {@code SCHEDULED}
 * @param status the job status; see {@link #jobStatus()}
 * @param definitionType {@code DELTA} or {@code FULL_SYNC}
 * @param total guests processed (counters are 0 when absent)
 * @param successes guests exported
 * @param failures guests that failed
 * @param successAdd guests added
 * @param successRemove guests removed
 * @param datasetDate the date of the data set, as sent
 * @param startTime when the job started
 * @param endTime when the job ended
 * @param errors error messages, if any
 * @author sitecore-cdp-spring-boot
 */
public record AudienceExportReport(@Nullable String executionRef, @Nullable String definitionRef,
		@Nullable String executionType, @Nullable String status, @Nullable String definitionType, Long total,
		Long successes, Long failures, Long successAdd, Long successRemove, @Nullable String datasetDate,
		@Nullable Instant startTime, @Nullable Instant endTime, @Nullable List<String> errors) {

	/**
	 * Create a report; counts Sitecore leaves out are read as 0.
	 * @param executionRef the job execution
	 * @param definitionRef the Audience export definition
	 * @param executionType {@code INSTANT_RUN} or {@code SCHEDULED}, as sent
	 * @param status the job status, as sent
	 * @param definitionType {@code DELTA} or {@code FULL_SYNC}, as sent
	 * @param total guests processed, or {@code null} when absent
	 * @param successes guests exported, or {@code null} when absent
	 * @param failures guests that failed, or {@code null} when absent
	 * @param successAdd guests added, or {@code null} when absent
	 * @param successRemove guests removed, or {@code null} when absent
	 * @param datasetDate the date of the data set, as sent
	 * @param startTime when the job started
	 * @param endTime when the job ended
	 * @param errors error messages, if any
	 */
	public AudienceExportReport {
		total = KnownValues.orZero(total);
		successes = KnownValues.orZero(successes);
		failures = KnownValues.orZero(failures);
		successAdd = KnownValues.orZero(successAdd);
		successRemove = KnownValues.orZero(successRemove);
	}

	/**
	 * Return the job status, {@link ReportStatus#UNKNOWN} for values this version does not
	 * know.
	 * @return the status
	 */
	public ReportStatus jobStatus() {
		return KnownValues.parse(ReportStatus.class, this.status, ReportStatus.UNKNOWN);
	}

	/**
	 * Return whether this was a delta export (rather than a full sync).
	 * @return whether the definition type is {@code DELTA}
	 */
	public boolean isDelta() {
		return "DELTA".equalsIgnoreCase(this.definitionType);
	}

}

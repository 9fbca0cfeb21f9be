package io.github.sitecorecdp.audience;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The output of one Audience export job: where its files are and until when.
 *
 * @param executionRef the job execution
 * @param definitionRef the Audience export definition
 * @param friendlyId the definition's friendly id
 * @param clientKey the tenant's client key
 * @param expireAt when the presigned file URLs stop working
 * @param numberOfFiles how many files the export has, 0 when absent
 * @param totalSizeKB the size of all files together, in kilobytes, 0 when absent
 * @param exports the files exactly as Sitecore's {@code exports} field holds them, possibly
 * {@code null}; read them through {@link #files()}, which never returns {@code null}
 * @author sitecore-cdp-spring-boot
 */
public record AudienceExportOutput(@Nullable String executionRef, @Nullable String definitionRef,
		@Nullable String friendlyId, @Nullable String clientKey, @Nullable Instant expireAt, Integer numberOfFiles,
		Long totalSizeKB, @Nullable List<ExportFile> exports) {

	/**
	 * Create an export output; counts Sitecore leaves out are read as 0.
	 * @param executionRef the job execution
	 * @param definitionRef the Audience export definition
	 * @param friendlyId the definition's friendly id
	 * @param clientKey the tenant's client key
	 * @param expireAt when the presigned file URLs stop working
	 * @param numberOfFiles how many files the export has, or {@code null} when absent
	 * @param totalSizeKB the size of all files together, in kilobytes, or {@code null} when absent
	 * @param exports the files as Sitecore's {@code exports} field holds them, possibly {@code null}
	 */
	public AudienceExportOutput {
		numberOfFiles = (numberOfFiles != null) ? numberOfFiles : 0;
		totalSizeKB = KnownValues.orZero(totalSizeKB);
	}

	/**
	 * Return the files of the export: what to iterate over, or hand to
	 * {@link AudienceExportClient#download(AudienceExportOutput)}. Empty rather than
	 * {@code null} when Sitecore sends no {@code exports} field.
	 * @return the files
	 */
	public List<ExportFile> files() {
		return (this.exports != null) ? this.exports : List.of();
	}

}

package io.github.sitecorecdp.audience;

/**
 * The presigned file URLs of an Audience export have expired: fetch the export again
 * ({@link AudienceExportClient#latestExport(String)} or
 * {@link AudienceExportClient#export(String)}) for fresh URLs.
 *
 * @author sitecore-cdp-spring-boot
 */
public class CdpExportExpiredException extends RuntimeException {

	/**
	 * Create a new instance.
	 * @param message what expired and when
	 */
	public CdpExportExpiredException(String message) {
		super(message);
	}

}

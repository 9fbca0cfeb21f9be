package io.github.sitecorecdp.audience;

/**
 * An Audience export file could not be downloaded: its host answered an error other than
 * the {@code 403} of an expired URL (see {@link CdpExportExpiredException}). The message
 * names the file by host and path, never by its presigned signature.
 *
 * @author sitecore-cdp-spring-boot
 */
public class CdpExportDownloadException extends RuntimeException {

	/**
	 * Create a new instance.
	 * @param message which file and what its host answered
	 */
	public CdpExportDownloadException(String message) {
		super(message);
	}

}

package io.github.sitecorecdp.audience;

/**
 * An Audience export file could not be downloaded: its host answered an error that no
 * retry changes (other than the {@code 403} of an expired URL, see
 * {@link CdpExportExpiredException}), transient failures outlasted the retries, or the
 * file changed between two attempts, so that its rest could not be read on from where
 * the last attempt stopped. The message names the file by host and path, never by its
 * presigned signature, and says how many of its records were already emitted.
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

	/**
	 * Create a new instance.
	 * @param message which file and what failed
	 * @param cause the last failure
	 */
	public CdpExportDownloadException(String message, Throwable cause) {
		super(message, cause);
	}

}

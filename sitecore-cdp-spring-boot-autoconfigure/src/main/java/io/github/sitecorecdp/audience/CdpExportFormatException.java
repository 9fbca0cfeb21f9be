package io.github.sitecorecdp.audience;

/**
 * An Audience export file could not be read: it is not valid gzip, or one of its records
 * is longer than {@code sitecore.cdp.audience-export.max-record-size}. The message names
 * the file (host and path, never its presigned signature) and, for a record, its line.
 *
 * @author sitecore-cdp-spring-boot
 */
public class CdpExportFormatException extends RuntimeException {

	/**
	 * Create a new instance.
	 * @param message which file, which line, and what is wrong with it
	 * @param cause the underlying failure
	 */
	public CdpExportFormatException(String message, Throwable cause) {
		super(message, cause);
	}

}

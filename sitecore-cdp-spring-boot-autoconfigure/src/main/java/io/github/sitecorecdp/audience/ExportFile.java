package io.github.sitecorecdp.audience;

import java.net.URI;

import org.jspecify.annotations.Nullable;

/**
 * One file of an Audience export: gzip-compressed JSON lines, one guest per line, behind a
 * presigned URL on a storage host (never sent the CDP token).
 *
 * @param url the presigned URL, used exactly as given
 * @param sizeKB the file's size in kilobytes, 0 when absent
 * @param deltaAction {@code add} or {@code remove}, as Sitecore sends it; see
 * {@link #action()}
 * @author sitecore-cdp-spring-boot
 */
public record ExportFile(String url, Long sizeKB, @Nullable String deltaAction) {

	/**
	 * Create a file entry; a size Sitecore leaves out is read as 0.
	 * @param url the presigned URL, used exactly as given
	 * @param sizeKB the file's size in kilobytes, or {@code null} when absent
	 * @param deltaAction {@code add} or {@code remove}, as Sitecore sends it
	 */
	public ExportFile {
		sizeKB = KnownValues.orZero(sizeKB);
	}

	/**
	 * Return the delta action, {@link DeltaAction#UNKNOWN} for values this version does not
	 * know.
	 * @return the delta action
	 */
	public DeltaAction action() {
		return DeltaAction.of(this.deltaAction);
	}

	/**
	 * Return the presigned URL as a URI, without re-encoding its signature.
	 * @return the URL
	 */
	public URI uri() {
		return URI.create(this.url);
	}

	/**
	 * Describes the file without its URL's query: the presigned signature is a credential.
	 */
	@Override
	public String toString() {
		return "ExportFile[" + AudienceExportClient.where(this) + ", sizeKB=" + this.sizeKB + ", deltaAction="
				+ this.deltaAction + "]";
	}

}

package io.github.sitecorecdp.batch;

import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One finished batch file, spooled to disk: gzip of JSON lines, with the size and MD5
 * checksum Sitecore asks for, computed while it was written.
 *
 * @param path where it is spooled
 * @param size its size in bytes
 * @param md5 the MD5 digest of its bytes
 * @param records how many records it holds
 * @param firstRef the reference of its first record
 * @param lastRef the reference of its last record
 * @author sitecore-cdp-spring-boot
 */
public record BatchFile(Path path, long size, byte[] md5, long records, UUID firstRef, UUID lastRef) {

	/**
	 * Create a batch file; the digest is copied, so that the array passed in can change
	 * afterwards without changing the file's checksum.
	 * @param path where it is spooled
	 * @param size its size in bytes
	 * @param md5 the MD5 digest of its bytes
	 * @param records how many records it holds
	 * @param firstRef the reference of its first record
	 * @param lastRef the reference of its last record
	 */
	public BatchFile {
		md5 = md5.clone();
	}

	/**
	 * Return the MD5 digest of the file's bytes, as a copy that the caller may change.
	 * @return the digest, 16 bytes
	 */
	@Override
	public byte[] md5() {
		return this.md5.clone();
	}

	/**
	 * Return the checksum as the batch announcement takes it.
	 * @return the MD5 in lower-case hex
	 */
	public String md5Hex() {
		return HexFormat.of().formatHex(this.md5);
	}

	/**
	 * Return the checksum as the upload's {@code Content-Md5} header takes it.
	 * @return the MD5 in base64
	 */
	public String md5Base64() {
		return Base64.getEncoder().encodeToString(this.md5);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof BatchFile file && file.path.equals(this.path) && file.size == this.size
				&& java.util.Arrays.equals(file.md5, this.md5) && file.records == this.records
				&& file.firstRef.equals(this.firstRef) && file.lastRef.equals(this.lastRef);
	}

	@Override
	public int hashCode() {
		return this.path.hashCode();
	}

	@Override
	public String toString() {
		return "BatchFile[" + this.path.getFileName() + ", " + this.size + " bytes, " + this.records + " records, md5 "
				+ md5Hex() + "]";
	}

}

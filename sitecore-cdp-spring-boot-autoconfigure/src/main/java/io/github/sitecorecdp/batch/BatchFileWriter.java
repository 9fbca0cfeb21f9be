package io.github.sitecorecdp.batch;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import org.jspecify.annotations.Nullable;

/**
 * Writes records into batch files one file at a time, each a gzip of JSON lines no larger
 * than the limit, with its size and MD5 computed while writing. Records are pulled from
 * the iterator only as they are written, so that no more than one record is held in
 * memory, whatever the size of the import; the files go to disk.
 *
 * <p>
 * The limit holds exactly without guessing at the compressor's buffers: a file's final
 * size is at most the bytes already written out plus the input not yet flushed (deflate
 * never grows data by more than a few bytes per block) plus the gzip trailer. When that
 * bound would pass the limit, the compressor is flushed to know the exact size, and the
 * file ends if the next record still does not fit.
 *
 * <p>
 * Each record ends with a line feed. Sitecore's format pages say each record is
 * "terminated with a carriage return"; a CR LF pair would also do, but the JSON-lines
 * format and Sitecore's own sample files end lines with LF, and a bare CR would join every
 * record into one line for most readers, so LF is the safe reading.
 *
 * @author sitecore-cdp-spring-boot
 */
final class BatchFileWriter {

	/**
	 * Sitecore's limit for one batch file, compressed: "50MB", read as 50,000,000 bytes,
	 * the safe one of the two readings (52,428,800 would be 50 MiB).
	 */
	static final long MAX_FILE_SIZE = 50_000_000L;

	/** The gzip trailer and the end of the deflate stream. */
	private static final int CLOSING_BYTES = 64;

	private final Iterator<BatchRecord> records;

	private final Path directory;

	private final long maxFileSize;

	private @Nullable BatchRecord pending;

	private long fileCount;

	/** How many records were pulled from the source, for naming a null one. */
	private long position;

	BatchFileWriter(Iterator<BatchRecord> records, Path directory, long maxFileSize) {
		this.records = records;
		this.directory = directory;
		this.maxFileSize = maxFileSize;
	}

	/**
	 * Write the next file from the records that follow.
	 * @return the file, or {@code null} when no record is left
	 * @throws IllegalArgumentException if one record alone, compressed, does not fit in a
	 * file, or the source gives a {@code null} record
	 * @throws UncheckedIOException if the file cannot be written
	 */
	@Nullable BatchFile next() {
		BatchRecord first = nextRecord();
		if (first == null) {
			return null;
		}
		MessageDigest md5 = md5();
		Path path;
		try {
			// createTempFile: readable by this user only, as the file holds personal data.
			path = Files.createTempFile(this.directory, "batch-" + (++this.fileCount) + "-", ".jsonl.gz");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a batch file in " + this.directory, ex);
		}
		try {
			CountingOutputStream counted = new CountingOutputStream(
					new BufferedOutputStream(Files.newOutputStream(path), 64 * 1024));
			long records = 0;
			UUID lastRef = first.ref();
			try (GZIPOutputStream gzip = new GZIPOutputStream(new DigestOutputStream(counted, md5), 64 * 1024, true)) {
				long unflushed = 0;
				BatchRecord record = first;
				while (record != null) {
					byte[] line = (record.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
					if (bound(counted.count, unflushed + line.length) > this.maxFileSize) {
						gzip.flush();
						unflushed = 0;
						if (bound(counted.count, line.length) > this.maxFileSize) {
							if (records > 0) {
								this.pending = record;
								break;
							}
							// The limit is on the compressed file: a record larger than it may
							// still compress below it. Written alone, then measured exactly.
							gzip.write(line);
							gzip.flush();
							if (counted.count + CLOSING_BYTES > this.maxFileSize) {
								throw new IllegalArgumentException("Batch record " + record.ref() + " compresses to "
										+ counted.count + " bytes (" + line.length
										+ " uncompressed), too large for a batch file of at most " + this.maxFileSize
										+ " bytes");
							}
							records++;
							lastRef = record.ref();
							record = nextRecord();
							continue;
						}
					}
					gzip.write(line);
					unflushed += line.length;
					records++;
					lastRef = record.ref();
					record = nextRecord();
				}
			}
			return new BatchFile(path, Files.size(path), md5.digest(), records, first.ref(), lastRef);
		}
		catch (IOException ex) {
			deleteQuietly(path);
			throw new UncheckedIOException("Could not write batch file " + path, ex);
		}
		catch (Throwable ex) {
			// Throwable: the source may throw checked exceptions it does not declare, and
			// the half-written file holds personal data.
			deleteQuietly(path);
			throw ex;
		}
	}

	private @Nullable BatchRecord nextRecord() {
		BatchRecord record = this.pending;
		if (record != null) {
			this.pending = null;
			return record;
		}
		if (!this.records.hasNext()) {
			return null;
		}
		this.position++;
		BatchRecord next = this.records.next();
		if (next == null) {
			// Not the end of the records: taken as one, it dropped every record after it.
			throw new IllegalArgumentException("The source gave a null record at position " + this.position
					+ " (counting from 1); every record must be a BatchRecord");
		}
		return next;
	}

	/** The most a file can end up with, given what is written and what is still unflushed. */
	private static long bound(long written, long unflushed) {
		// Deflate's stored blocks add 5 bytes per block of at most 65,535 bytes; a sync flush
		// adds an empty block.
		return written + unflushed + (unflushed / 16_384 + 2) * 5 + CLOSING_BYTES;
	}

	private static MessageDigest md5() {
		try {
			return MessageDigest.getInstance("MD5");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("The JVM has no MD5, which Sitecore's Batch API requires", ex);
		}
	}

	private static void deleteQuietly(Path path) {
		try {
			Files.deleteIfExists(path);
		}
		catch (IOException ex) {
			// The original failure says more.
		}
	}

	/** Counts the compressed bytes on their way to the file. */
	private static final class CountingOutputStream extends FilterOutputStream {

		private long count;

		CountingOutputStream(OutputStream out) {
			super(out);
		}

		@Override
		public void write(int b) throws IOException {
			this.out.write(b);
			this.count++;
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			this.out.write(bytes, offset, length);
			this.count += length;
		}

	}

}

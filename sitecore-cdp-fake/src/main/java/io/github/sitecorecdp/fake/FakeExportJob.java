package io.github.sitecorecdp.fake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * One finished Audience export job of the fake, with its files.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class FakeExportJob {

	private final String executionRef;

	private final String definitionRef;

	private final List<ExportFileContent> files = new ArrayList<>();

	private volatile Instant expireAt;

	private volatile Instant finishedAt;

	private volatile String status = "SUCCESS";

	private volatile String definitionType = "DELTA";

	FakeExportJob(String executionRef, String definitionRef, Instant now) {
		this.executionRef = executionRef;
		this.definitionRef = definitionRef;
		this.finishedAt = now;
		this.expireAt = now.plusSeconds(24 * 3600);
	}

	/**
	 * Add a file of guests.
	 * @param deltaAction {@code add} or {@code remove}
	 * @param jsonLines one JSON object per guest
	 * @return this job
	 */
	public FakeExportJob addFile(String deltaAction, List<String> jsonLines) {
		synchronized (this.files) {
			this.files.add(new ExportFileContent(deltaAction, List.copyOf(jsonLines), gzip(jsonLines)));
		}
		return this;
	}

	/**
	 * Add a file served exactly as given, for files Sitecore would never write: a broken
	 * gzip stream, a record longer than any reader should accept.
	 * @param deltaAction {@code add} or {@code remove}
	 * @param content the file's bytes, as served
	 * @return this job
	 */
	public FakeExportJob addRawFile(String deltaAction, byte[] content) {
		synchronized (this.files) {
			this.files.add(new ExportFileContent(deltaAction, List.of(), content.clone()));
		}
		return this;
	}

	/**
	 * Replace a file's guests, as a file rewritten at its URL: its bytes and its
	 * {@code ETag} change, so a download that goes on from where it stopped is refused.
	 * @param index the file's index, from 0
	 * @param jsonLines one JSON object per guest
	 * @return this job
	 */
	public FakeExportJob replaceFile(int index, List<String> jsonLines) {
		synchronized (this.files) {
			String deltaAction = this.files.get(index).deltaAction();
			this.files.set(index, new ExportFileContent(deltaAction, List.copyOf(jsonLines), gzip(jsonLines)));
		}
		return this;
	}

	/**
	 * Set when the presigned file URLs expire (default: a day after the job was created).
	 * @param expireAt the expiry
	 * @return this job
	 */
	public FakeExportJob expireAt(Instant expireAt) {
		this.expireAt = expireAt;
		return this;
	}

	/**
	 * Set the job status (default {@code SUCCESS}); only successful jobs count as the
	 * latest export.
	 * @param status the status
	 * @return this job
	 */
	public FakeExportJob status(String status) {
		this.status = status;
		return this;
	}

	/**
	 * Set the definition type (default {@code DELTA}).
	 * @param definitionType {@code DELTA} or {@code FULL_SYNC}
	 * @return this job
	 */
	public FakeExportJob definitionType(String definitionType) {
		this.definitionType = definitionType;
		return this;
	}

	/**
	 * Return the job's execution reference.
	 * @return the reference
	 */
	public String executionRef() {
		return this.executionRef;
	}

	String definitionRef() {
		return this.definitionRef;
	}

	String status() {
		return this.status;
	}

	Instant expireAt() {
		return this.expireAt;
	}

	List<ExportFileContent> files() {
		synchronized (this.files) {
			return List.copyOf(this.files);
		}
	}

	Map<String, Object> output(String fileBaseUrl, String friendlyId) {
		List<Object> exports = new ArrayList<>();
		long totalSizeKB = 0;
		List<ExportFileContent> files = files();
		for (int i = 0; i < files.size(); i++) {
			ExportFileContent file = files.get(i);
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("url", fileBaseUrl + presignedPath(i));
			entry.put("sizeKB", file.sizeKB());
			entry.put("deltaAction", file.deltaAction());
			exports.add(entry);
			totalSizeKB += file.sizeKB();
		}
		Map<String, Object> output = new LinkedHashMap<>();
		output.put("executionRef", this.executionRef);
		output.put("definitionRef", this.definitionRef);
		output.put("friendlyId", friendlyId);
		output.put("clientKey", "fake-client-key");
		output.put("expireAt", this.expireAt.toString());
		output.put("numberOfFiles", files.size());
		output.put("totalSizeKB", totalSizeKB);
		output.put("exports", exports);
		return output;
	}

	Map<String, Object> report() {
		long added = 0;
		long removed = 0;
		for (ExportFileContent file : files()) {
			if ("remove".equalsIgnoreCase(file.deltaAction())) {
				removed += file.lines().size();
			}
			else {
				added += file.lines().size();
			}
		}
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("executionRef", this.executionRef);
		report.put("definitionRef", this.definitionRef);
		report.put("executionType", "SCHEDULED");
		report.put("status", this.status);
		report.put("definitionType", this.definitionType);
		report.put("total", added + removed);
		report.put("successes", added + removed);
		report.put("failures", 0);
		report.put("successAdd", added);
		report.put("successRemove", removed);
		report.put("datasetDate", this.finishedAt.atOffset(ZoneOffset.UTC).toLocalDate().toString());
		report.put("startTime", this.finishedAt.minusSeconds(300).toString());
		report.put("endTime", this.finishedAt.toString());
		report.put("errors", List.of());
		return report;
	}

	/**
	 * A path shaped like a presigned storage URL. The credential holds escaped slashes: a
	 * client that re-encodes the URL breaks the signature, as it would at a real storage
	 * host.
	 */
	String presignedPath(int index) {
		return "/exports/" + this.executionRef + "/" + index + ".jsonl.gz" + signedQuery(index);
	}

	String signedQuery(int index) {
		return "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=fake%2F20261129%2Fus-east-1%2Fs3%2Faws4_request"
				+ "&X-Amz-Signature=" + Integer.toHexString((this.executionRef + "/" + index).hashCode());
	}

	private static byte[] gzip(List<String> lines) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
			for (String line : lines) {
				gzip.write(line.getBytes(StandardCharsets.UTF_8));
				gzip.write('\n');
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	record ExportFileContent(String deltaAction, List<String> lines, byte[] gzipped) {

		long sizeKB() {
			return Math.max(1, (this.gzipped.length + 1023) / 1024);
		}

	}

}

package io.github.sitecorecdp.fake;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import io.github.sitecorecdp.fake.LoopbackServer.Answer;
import io.github.sitecorecdp.fake.RecordedCdpRequest.Kind;

/**
 * A fake of the storage host that serves Audience export files through presigned URLs,
 * on its own origin, as Sitecore's does: requests that carry a bearer token get
 * {@code 400}, expired URLs and URLs whose signature was re-encoded get {@code 403}, as
 * at S3. Export files are served as S3 serves objects: with an {@code ETag} (the MD5 of
 * the bytes, quoted), a {@code Range: bytes=n-} request gets {@code 206} and its
 * {@code Content-Range}, an {@code If-Match} that no longer matches gets {@code 412} and
 * an {@code If-Range} that no longer matches gets the whole file. Its files are those of
 * the {@link FakeCdpApi} that owns it.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class FakeFileHost implements AutoCloseable {

	private final Clock clock;

	private final Journal journal;

	private final Function<String, Optional<FakeExportJob>> jobs;

	private final FakeBatches batches;

	private final LoopbackServer server;

	private final Queue<Integer> failures = new ConcurrentLinkedQueue<>();

	private final Queue<Answer> downloadFaults = new ConcurrentLinkedQueue<>();

	private final Queue<Integer> downloadCuts = new ConcurrentLinkedQueue<>();

	private volatile int failingDownloadsWith;

	private volatile boolean ignoringRanges;

	FakeFileHost(Clock clock, @Nullable FakeTls tls, Journal journal, Function<String, Optional<FakeExportJob>> jobs,
			FakeBatches batches, int port) {
		this.clock = clock;
		this.journal = journal;
		this.jobs = jobs;
		this.batches = batches;
		this.server = new LoopbackServer(Kind.FILE, journal, tls, port, this::answer);
	}

	/**
	 * Return the host's base URL, a different origin from the API's.
	 * @return the base URL
	 */
	public URI baseUrl() {
		return this.server.baseUrl();
	}

	/**
	 * Answer the next file requests with this status and S3's error body.
	 * @param count how many requests
	 * @param status the HTTP status, for example 500 or 503
	 * @return this file host
	 */
	public FakeFileHost failNextFileRequests(int count, int status) {
		for (int i = 0; i < count; i++) {
			this.failures.add(status);
		}
		return this;
	}

	/**
	 * Answer every export file download with this status and S3's error body, until
	 * {@link #recover()}.
	 * @param status the HTTP status, for example 503
	 * @return this file host
	 */
	public FakeFileHost failFileDownloads(int status) {
		this.failingDownloadsWith = status;
		return this;
	}

	/**
	 * Answer the next export file downloads with {@code 429} and a {@code Retry-After}
	 * header, as S3 throttles.
	 * @param count how many downloads
	 * @param retryAfter the wait asked for, in whole seconds
	 * @return this file host
	 */
	public FakeFileHost throttleNextFileDownloads(int count, Duration retryAfter) {
		for (int i = 0; i < count; i++) {
			this.downloadFaults.add(Answer.xml(429, "SlowDown", "Please reduce your request rate.")
				.withHeader("Retry-After", String.valueOf(retryAfter.toSeconds())));
		}
		return this;
	}

	/**
	 * Cut the next export file downloads: each announces its whole length, sends this many
	 * bytes of the file (or of the range asked for) and closes the connection.
	 * @param count how many downloads
	 * @param afterBytes how many bytes each sends first
	 * @return this file host
	 */
	public FakeFileHost cutNextFileDownloads(int count, int afterBytes) {
		for (int i = 0; i < count; i++) {
			this.downloadCuts.add(afterBytes);
		}
		return this;
	}

	/**
	 * Answer export file downloads whole ({@code 200}) whatever {@code Range} they ask for,
	 * as a host without range support does, until {@link #reset()}.
	 * @return this file host
	 */
	public FakeFileHost ignoreRanges() {
		this.ignoringRanges = true;
		return this;
	}

	/**
	 * End {@link #failFileDownloads(int)}.
	 * @return this file host
	 */
	public FakeFileHost recover() {
		this.failingDownloadsWith = 0;
		return this;
	}

	/**
	 * Return the file requests received, oldest first.
	 * @return the requests
	 */
	public List<RecordedCdpRequest> requests() {
		return this.journal.of(Kind.FILE);
	}

	/**
	 * Return how many file requests were received.
	 * @return the count
	 */
	public int requestCount() {
		return requests().size();
	}

	/**
	 * Forget the file requests received and the scripted failures, and honour ranges
	 * again.
	 */
	public void reset() {
		this.journal.clear(Kind.FILE);
		this.failures.clear();
		this.downloadFaults.clear();
		this.downloadCuts.clear();
		this.failingDownloadsWith = 0;
		this.ignoringRanges = false;
	}

	@Override
	public void close() {
		this.server.close();
	}

	private Answer answer(RecordedCdpRequest request, byte[] body) {
		Integer failure = this.failures.poll();
		if (failure != null) {
			return Answer.xml(failure, "InternalError", "Injected failure");
		}
		Answer batch = this.batches.fileHost(request, body);
		if (batch != null) {
			return batch;
		}
		if (request.header("Authorization") != null) {
			return Answer.xml(400, "InvalidArgument",
					"Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter should be specified");
		}
		String[] parts = request.path().split("/");
		if (parts.length != 4 || !parts[1].equals("exports") || !parts[3].endsWith(".jsonl.gz")) {
			return Answer.xml(404, "NoSuchKey", "The specified key does not exist.");
		}
		Optional<FakeExportJob> found = this.jobs.apply(parts[2]);
		int index = parseIndex(parts[3]);
		if (found.isEmpty() || index < 0 || index >= found.get().files().size()) {
			return Answer.xml(404, "NoSuchKey", "The specified key does not exist.");
		}
		FakeExportJob job = found.get();
		String uri = request.uri();
		String rawQuery = (uri.indexOf('?') >= 0) ? uri.substring(uri.indexOf('?')) : "";
		if (!rawQuery.equals(job.signedQuery(index))) {
			return Answer.xml(403, "SignatureDoesNotMatch",
					"The request signature we calculated does not match the signature you provided.");
		}
		if (!this.clock.instant().isBefore(job.expireAt())) {
			return Answer.xml(403, "AccessDenied", "Request has expired");
		}
		return download(request, job.files().get(index).gzipped());
	}

	private Answer download(RecordedCdpRequest request, byte[] file) {
		int failing = this.failingDownloadsWith;
		if (failing != 0) {
			return Answer.xml(failing, (failing == 503) ? "SlowDown" : "InternalError", "Injected failure");
		}
		Answer fault = this.downloadFaults.poll();
		if (fault != null) {
			return fault;
		}
		Answer answer = ranged(request, file, etag(file));
		Integer cut = this.downloadCuts.poll();
		return (cut != null) ? answer.cutAfter(cut) : answer;
	}

	private Answer ranged(RecordedCdpRequest request, byte[] file, String etag) {
		String ifMatch = request.header("If-Match");
		if (ifMatch != null && !ifMatch.equals(etag)) {
			return Answer.xml(412, "PreconditionFailed",
					"At least one of the pre-conditions you specified did not hold");
		}
		Answer whole = new Answer(200, "application/gzip", file, Duration.ZERO).withHeader("ETag", etag)
			.withHeader("Accept-Ranges", "bytes");
		String range = request.header("Range");
		String ifRange = request.header("If-Range");
		if (range == null || this.ignoringRanges || (ifRange != null && !ifRange.equals(etag))) {
			return whole;
		}
		long from = rangeStart(range);
		if (from < 0) {
			return whole;
		}
		if (from >= file.length) {
			return Answer.xml(416, "InvalidRange", "The requested range is not satisfiable")
				.withHeader("Content-Range", "bytes */" + file.length);
		}
		byte[] rest = Arrays.copyOfRange(file, (int) from, file.length);
		return new Answer(206, "application/gzip", rest, Duration.ZERO).withHeader("ETag", etag)
			.withHeader("Accept-Ranges", "bytes")
			.withHeader("Content-Range", "bytes " + from + "-" + (file.length - 1) + "/" + file.length);
	}

	/** The start of an open range, {@code bytes=n-}; -1 for any other (served whole). */
	private static long rangeStart(String range) {
		if (!range.startsWith("bytes=") || !range.endsWith("-")) {
			return -1;
		}
		try {
			return Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/** As S3's for an object uploaded in one part: the MD5 of its bytes, quoted. */
	static String etag(byte[] content) {
		try {
			return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)) + "\"";
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static int parseIndex(String fileName) {
		try {
			return Integer.parseInt(fileName.substring(0, fileName.indexOf('.')));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}

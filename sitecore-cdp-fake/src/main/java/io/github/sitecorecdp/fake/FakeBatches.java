package io.github.sitecorecdp.fake;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.jspecify.annotations.Nullable;

import io.github.sitecorecdp.fake.FakeBatch.FailedRecord;
import io.github.sitecorecdp.fake.LoopbackServer.Answer;

/**
 * Sitecore CDP's Batch API on the fake: {@code PUT /v2/batches/{ref}} announces a file and
 * answers a presigned upload URL on the file host; the upload is checked as S3 would
 * ({@code Content-Md5}, encryption and content-type headers, announced size and checksum,
 * no Authorization) and every line as Sitecore would (ref, schema, mode, value); polling
 * {@code GET /v2/batches/{ref}} moves the batch through {@code processing} to
 * {@code success}, {@code corrupted} or {@code error}, with an error log of the invalid
 * records. The Batch API takes HTTP Basic credentials (client key and API token), not a
 * bearer token.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class FakeBatches {

	/** Client key the Batch API accepts unless {@link #credentials} says otherwise. */
	public static final String CLIENT_KEY = "fake-client-key";

	/** API token the Batch API accepts unless {@link #credentials} says otherwise. */
	public static final String API_TOKEN = "fake-api-token";

	static final String PATH = "/v2/batches/";

	private static final List<byte[]> SCHEMAS = ascii("guest", "order", "tracking");

	private static final List<byte[]> MODES = ascii("insert", "upsert", "merge");

	private static final byte[] REF = ascii("\"ref\":\"").get(0);

	private static final byte[] SCHEMA = ascii("\"schema\":\"").get(0);

	private static final byte[] MODE = ascii("\"mode\":\"").get(0);

	private static final byte[] VALUE = ascii("\"value\":{").get(0);

	private static final AtomicLong SEQUENCE = new AtomicLong();

	private final Clock clock;

	private final Supplier<String> fileBaseUrl;

	private final Map<String, Batch> batches = new ConcurrentHashMap<>();

	private final Queue<String> forcedOutcomes = new ConcurrentLinkedQueue<>();

	private volatile String clientKey = CLIENT_KEY;

	private volatile String apiToken = API_TOKEN;

	private volatile Duration uploadUrlLifetime = Duration.ofHours(1);

	private volatile int pollsWhileProcessing = 1;

	private final AtomicInteger expiredAnnouncements = new AtomicInteger();

	FakeBatches(Clock clock, Supplier<String> fileBaseUrl) {
		this.clock = clock;
		this.fileBaseUrl = fileBaseUrl;
	}

	// Settings and controls

	/**
	 * Set the client key and API token the Batch API accepts.
	 * @param clientKey the client key (the Basic user)
	 * @param apiToken the API token (the Basic password)
	 * @return these batches
	 */
	public FakeBatches credentials(String clientKey, String apiToken) {
		this.clientKey = clientKey;
		this.apiToken = apiToken;
		return this;
	}

	/**
	 * Set how many polls a batch stays {@code processing} before its final status (default
	 * 1), to test waiting.
	 * @param polls the polls
	 * @return these batches
	 */
	public FakeBatches processingFor(int polls) {
		this.pollsWhileProcessing = polls;
		return this;
	}

	/**
	 * Set how long presigned upload URLs live (Sitecore's: one hour).
	 * @param lifetime the lifetime
	 * @return these batches
	 */
	public FakeBatches uploadUrlLifetime(Duration lifetime) {
		this.uploadUrlLifetime = lifetime;
		return this;
	}

	/**
	 * Make the next uploaded batch end with this status whatever it holds.
	 * @param status {@code corrupted} or {@code error}
	 * @return these batches
	 */
	public FakeBatches failNextBatchAs(String status) {
		this.forcedOutcomes.add(status);
		return this;
	}

	/**
	 * Answer the next announcements with upload URLs that have already expired, as if the
	 * upload came more than an hour after the announcement.
	 * @param count how many announcements
	 * @return these batches
	 */
	public FakeBatches expireNextUploadUrls(int count) {
		this.expiredAnnouncements.addAndGet(count);
		return this;
	}

	/**
	 * Let the upload URLs of every batch announced so far expire now.
	 */
	public void expireUploadUrls() {
		Instant now = this.clock.instant();
		this.batches.values().forEach((batch) -> batch.uploadExpiresAt = now);
	}

	/**
	 * Return the batches announced so far, oldest first.
	 * @return the batches
	 */
	public List<FakeBatch> batches() {
		return this.batches.values()
			.stream()
			.sorted((a, b) -> Long.compare(a.sequence, b.sequence))
			.map(Batch::view)
			.toList();
	}

	void reset() {
		this.batches.clear();
		this.forcedOutcomes.clear();
		this.clientKey = CLIENT_KEY;
		this.apiToken = API_TOKEN;
		this.uploadUrlLifetime = Duration.ofHours(1);
		this.pollsWhileProcessing = 1;
		this.expiredAnnouncements.set(0);
	}

	// The API host

	/** Answers {@code /v2/batches/...} on the API host, or {@code null} for other paths. */
	@Nullable Answer api(RecordedCdpRequest request) {
		String path = request.path();
		if (!path.startsWith(PATH)) {
			return null;
		}
		if (!authorized(request.header("Authorization"))) {
			return Answer.json(401, "{\"status\":\"UNAUTHORIZED\",\"code\":401,\"message\":\"Unauthorized\","
					+ "\"developerMessage\":\"Basic credentials (client key and API token) required\"}", Duration.ZERO);
		}
		String ref = path.substring(PATH.length());
		if (request.method().equals("PUT")) {
			return announce(ref, request.body());
		}
		Batch batch = this.batches.get(ref);
		if (batch == null || !request.method().equals("GET")) {
			return Answer.json(404, "{\"status\":404,\"code\":404,\"message\":\"Not Found\","
					+ "\"developerMessage\":\"No batch " + ref + "\"}", Duration.ZERO);
		}
		return Answer.json(200, Json.write(batch.poll(this.pollsWhileProcessing, this.fileBaseUrl.get())),
				Duration.ZERO);
	}

	private boolean authorized(@Nullable String authorization) {
		if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
			return false;
		}
		String expected = Base64.getEncoder()
			.encodeToString((this.clientKey + ":" + this.apiToken).getBytes(StandardCharsets.UTF_8));
		return authorization.substring(6).trim().equals(expected);
	}

	private Answer announce(String ref, String body) {
		Matcher checksum = Pattern.compile("\"checksum\"\\s*:\\s*\"([0-9a-fA-F]{32})\"").matcher(body);
		Matcher size = Pattern.compile("\"size\"\\s*:\\s*(\\d+)").matcher(body);
		byte[] refBytes = ref.getBytes(StandardCharsets.UTF_8);
		if (!isUuid(refBytes, 0, refBytes.length) || !checksum.find() || !size.find()) {
			return Answer.json(400, "{\"status\":400,\"code\":400,\"message\":\"Bad Request\","
					+ "\"developerMessage\":\"A batch needs a UUID ref, a hex MD5 checksum and a size\"}", Duration.ZERO);
		}
		boolean expired = this.expiredAnnouncements.getAndUpdate((n) -> Math.max(0, n - 1)) > 0;
		Instant expiry = expired ? this.clock.instant() : this.clock.instant().plus(this.uploadUrlLifetime);
		Batch batch = this.batches.compute(ref, (key, existing) -> (existing != null && existing.status.equals("uploading"))
				? existing.reannounced(checksum.group(1), Long.parseLong(size.group(1)), expiry)
				: new Batch(ref, checksum.group(1).toLowerCase(java.util.Locale.ROOT), Long.parseLong(size.group(1)),
						expiry));
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("ref", ref);
		answer.put("checksum", batch.checksum);
		answer.put("size", batch.size);
		answer.put("status", Map.of("code", batch.status));
		answer.put("location", Map.of("href", this.fileBaseUrl.get() + batch.uploadPath(), "expiry",
				batch.uploadExpiresAt.toString()));
		return Answer.json(201, Json.write(answer), Duration.ZERO);
	}

	// The file host

	/** Answers uploads and error logs on the file host, or {@code null} for other paths. */
	@Nullable Answer fileHost(RecordedCdpRequest request, byte[] body) {
		String path = request.path();
		if (!path.startsWith("/batches/")) {
			return null;
		}
		String ref = path.substring("/batches/".length());
		boolean log = ref.endsWith("/log");
		Batch batch = this.batches.get(log ? ref.substring(0, ref.length() - 4) : ref);
		if (batch == null) {
			return Answer.xml(404, "NoSuchKey", "The specified key does not exist.");
		}
		if (log) {
			StringBuilder lines = new StringBuilder();
			batch.failed.forEach((failed) -> lines.append(Json.write(failedLine(failed))).append('\n'));
			return new Answer(200, "application/x-ndjson", lines.toString().getBytes(StandardCharsets.UTF_8),
					Duration.ZERO);
		}
		if (!request.method().equals("PUT")) {
			return Answer.xml(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
		}
		String uri = request.uri();
		if (uri.indexOf('?') < 0 || !uri.substring(uri.indexOf('?') + 1).equals(batch.signedQuery())) {
			return Answer.xml(403, "SignatureDoesNotMatch",
					"The request signature we calculated does not match the signature you provided.");
		}
		if (!this.clock.instant().isBefore(batch.uploadExpiresAt)) {
			return Answer.xml(403, "AccessDenied", "Request has expired");
		}
		String problem = uploadProblem(request, body, batch);
		if (problem != null) {
			return Answer.xml(400, problem.substring(0, problem.indexOf(':')), problem.substring(problem.indexOf(':') + 2));
		}
		String forced = this.forcedOutcomes.poll();
		batch.received(body, forced);
		return new Answer(200, "application/xml", new byte[0], Duration.ZERO);
	}

	private static @Nullable String uploadProblem(RecordedCdpRequest request, byte[] body, Batch batch) {
		if (request.header("Authorization") != null) {
			return "InvalidArgument: Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter should "
					+ "be specified";
		}
		if (!"AES256".equals(request.header("x-amz-server-side-encryption"))) {
			return "InvalidArgument: x-amz-server-side-encryption must be AES256, as the presigned URL was signed";
		}
		String contentType = request.header("Content-Type");
		if (contentType == null || !contentType.startsWith("application/gzip")) {
			return "InvalidArgument: Content-Type must be application/gzip, as the presigned URL was signed";
		}
		byte[] md5 = md5(body);
		String contentMd5 = request.header("Content-Md5");
		if (contentMd5 == null || !contentMd5.equals(Base64.getEncoder().encodeToString(md5))) {
			return "BadDigest: The Content-MD5 you specified did not match what we received.";
		}
		if (body.length != batch.size || !HexFormat.of().formatHex(md5).equals(batch.checksum)) {
			return "InvalidArgument: The file is not the one announced (size " + batch.size + ", checksum "
					+ batch.checksum + ")";
		}
		return null;
	}

	private static Map<String, Object> failedLine(FailedRecord failed) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("ref", failed.ref());
		line.put("code", failed.code());
		line.put("message", failed.message());
		return line;
	}

	private static byte[] md5(byte[] bytes) {
		try {
			return MessageDigest.getInstance("MD5").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Reads the uploaded file as Sitecore would: one record per line, each checked. Line by
	 * line, so that a large import does not need the whole text in memory. The lines are
	 * checked on the inflated bytes, with no {@code Reader} and no string per line: checking
	 * through strings took three times as long as inflating, and a benchmark of the client
	 * counts the fake's time too.
	 */
	static @Nullable List<FailedRecord> check(byte[] gzip, long[] records) {
		List<FailedRecord> failed = new ArrayList<>();
		long count = 0;
		try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 64 * 1024)) {
			byte[] buffer = new byte[64 * 1024];
			int length = 0;
			for (int read = in.read(buffer, length, buffer.length - length); read >= 0; read = in.read(buffer,
					length, buffer.length - length)) {
				length += read;
				int start = 0;
				for (int end = indexOf(buffer, (byte) '\n', start, length); end >= 0; end = indexOf(buffer, (byte) '\n', start,
						length)) {
					count = checkLine(buffer, start, end, count, failed);
					start = end + 1;
				}
				// The start of the next line moves to the front; a line longer than the
				// buffer makes it grow.
				System.arraycopy(buffer, start, buffer, 0, length - start);
				length -= start;
				if (length == buffer.length) {
					buffer = Arrays.copyOf(buffer, buffer.length * 2);
				}
			}
			count = checkLine(buffer, 0, length, count, failed);
		}
		catch (IOException ex) {
			return null;
		}
		records[0] = count;
		return failed;
	}

	/** Checks one line, unless blank; returns the count of records so far. */
	private static long checkLine(byte[] bytes, int start, int end, long count, List<FailedRecord> failed) {
		int last = end;
		while (last > start && isWhitespace(bytes[last - 1])) {
			last--;
		}
		int first = start;
		while (first < last && isWhitespace(bytes[first])) {
			first++;
		}
		if (first == last) {
			return count;
		}
		FailedRecord problem = problem(bytes, start, last, count + 1);
		if (problem != null) {
			failed.add(problem);
		}
		return count + 1;
	}

	private static @Nullable FailedRecord problem(byte[] line, int start, int end, long number) {
		int refStart = valueStart(line, REF, start, end);
		int refEnd = (refStart < 0) ? -1 : indexOf(line, (byte) '"', refStart, end);
		String ref = (refEnd < 0) ? null : new String(line, refStart, refEnd - refStart, StandardCharsets.UTF_8);
		if (line[start] != '{' || line[end - 1] != '}') {
			return new FailedRecord(ref, "INVALID_JSON", "Line " + number + " is not a JSON object");
		}
		if (refEnd < 0 || !isUuid(line, refStart, refEnd)) {
			return new FailedRecord(ref, "INVALID_REF", "ref must be a UUID");
		}
		if (!hasValueOf(line, SCHEMA, SCHEMAS, start, end)) {
			return new FailedRecord(ref, "INVALID_SCHEMA", "schema must be guest, order or tracking");
		}
		if (!hasValueOf(line, MODE, MODES, start, end)) {
			return new FailedRecord(ref, "INVALID_MODE", "mode must be insert, upsert or merge");
		}
		if (indexOf(line, VALUE, start, end) < 0) {
			return new FailedRecord(ref, "INVALID_VALUE", "value must be a JSON object");
		}
		return null;
	}

	/** Whether the string field that starts with the prefix holds one of the values. */
	private static boolean hasValueOf(byte[] line, byte[] prefix, List<byte[]> values, int start, int end) {
		int valueStart = valueStart(line, prefix, start, end);
		int valueEnd = (valueStart < 0) ? -1 : indexOf(line, (byte) '"', valueStart, end);
		if (valueEnd < 0) {
			return false;
		}
		for (byte[] value : values) {
			if (Arrays.equals(line, valueStart, valueEnd, value, 0, value.length)) {
				return true;
			}
		}
		return false;
	}

	/** The canonical 8-4-4-4-12 form, in either case, as Sitecore expects a ref. */
	private static boolean isUuid(byte[] line, int start, int end) {
		if (end - start != 36) {
			return false;
		}
		for (int i = 0; i < 36; i++) {
			byte c = line[start + i];
			boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
			boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
			if (dash ? c != '-' : !hex) {
				return false;
			}
		}
		return true;
	}

	private static int valueStart(byte[] line, byte[] prefix, int start, int end) {
		int at = indexOf(line, prefix, start, end);
		return (at < 0) ? -1 : at + prefix.length;
	}

	private static int indexOf(byte[] bytes, byte[] target, int from, int to) {
		// A plain loop: Arrays.equals costs more to call than to compare a few bytes, and
		// every quote of a line starts a comparison.
		outer: for (int i = from; i <= to - target.length; i++) {
			for (int j = 0; j < target.length; j++) {
				if (bytes[i + j] != target[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private static int indexOf(byte[] bytes, byte target, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] == target) {
				return i;
			}
		}
		return -1;
	}

	private static List<byte[]> ascii(String... texts) {
		return Arrays.stream(texts).map((text) -> text.getBytes(StandardCharsets.US_ASCII)).toList();
	}

	private static boolean isWhitespace(byte c) {
		return c == ' ' || c == '\t' || c == '\r' || c == '\n';
	}

	/** One batch's state; changed only under its map entry or by the one upload of its URL. */
	private static final class Batch {

		final long sequence = SEQUENCE.incrementAndGet();

		final String ref;

		final String checksum;

		final long size;

		volatile Instant uploadExpiresAt;

		volatile String status = "uploading";

		volatile long records;

		volatile List<FailedRecord> failed = List.of();

		volatile int polls;

		volatile int processingPolls;

		volatile @Nullable String outcome;

		Batch(String ref, String checksum, long size, Instant uploadExpiresAt) {
			this.ref = ref;
			this.checksum = checksum;
			this.size = size;
			this.uploadExpiresAt = uploadExpiresAt;
		}

		Batch reannounced(String checksum, long size, Instant expiry) {
			return new Batch(this.ref, checksum.toLowerCase(java.util.Locale.ROOT), size, expiry);
		}

		String uploadPath() {
			return "/batches/" + this.ref + "?" + signedQuery();
		}

		String signedQuery() {
			return "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=fake%2Fbatch&X-Amz-Signature="
					+ Integer.toHexString((this.ref + this.checksum).hashCode());
		}

		synchronized void received(byte[] gzip, @Nullable String forced) {
			long[] count = new long[1];
			List<FailedRecord> found = check(gzip, count);
			this.records = count[0];
			if (forced != null) {
				this.outcome = forced;
				this.failed = forced.equals("error") ? List.of(new FailedRecord(null, "PROCESSING_FAILED",
						"Injected failure")) : List.of();
			}
			else if (found == null) {
				this.outcome = "corrupted";
			}
			else {
				this.failed = List.copyOf(found);
				this.outcome = found.isEmpty() ? "success" : "error";
			}
			this.status = "processing";
		}

		synchronized Map<String, Object> poll(int pollsWhileProcessing, String fileBaseUrl) {
			this.polls++;
			String outcome = this.outcome;
			if (this.status.equals("processing") && outcome != null && ++this.processingPolls > pollsWhileProcessing) {
				this.status = outcome;
			}
			Map<String, Object> statusField = new LinkedHashMap<>();
			statusField.put("code", this.status);
			if (this.status.equals("error")) {
				statusField.put("log", fileBaseUrl + "/batches/" + this.ref + "/log");
			}
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("ref", this.ref);
			answer.put("checksum", this.checksum);
			answer.put("size", this.size);
			answer.put("status", statusField);
			return answer;
		}

		FakeBatch view() {
			return new FakeBatch(this.ref, this.checksum, this.size, this.uploadExpiresAt, this.status, this.records,
					this.failed, this.polls);
		}

	}

}

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
import java.util.Objects;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
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
 * <p>
 * It refuses what Sitecore and S3 refuse: a ref announced twice ({@code 409}: a batch ref
 * must be unique across all batches), an upload without {@code Content-Length}
 * ({@code 411}, as S3 answers a chunked upload). A file whose size or checksum differs
 * from its announcement is taken and the batch ends {@code corrupted}; a file that is not
 * gzip ends {@code error} with no log, as Sitecore's batch status page describes. Error
 * logs carry Sitecore's numeric codes ({@code 400} validation error, {@code 402}
 * unsupported mode, ...). Faults of each call can be injected: {@link #failNext},
 * {@link #failAlways}, {@link #throttleNext}, {@link #resetNext},
 * {@link #loseNextResponse} and {@link #delayNext}; a call can be held until the test
 * releases it ({@link #holdNext}, {@link #holdNextAfterActing}), to stop a client at an
 * exact point. {@link #importedRecordRefs()} lists every record imported, across batches,
 * so that a test sees a record imported twice.
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

	private volatile int statusLagPolls;

	private final AtomicInteger expiredAnnouncements = new AtomicInteger();

	private final List<Queue<Fault>> nextFaults = new ArrayList<>();

	private final Map<Call, Fault> lastingFaults = new ConcurrentHashMap<>();

	private volatile @Nullable Refusal refusal;

	FakeBatches(Clock clock, Supplier<String> fileBaseUrl) {
		this.clock = clock;
		this.fileBaseUrl = fileBaseUrl;
		for (int i = 0; i < Call.values().length; i++) {
			this.nextFaults.add(new ConcurrentLinkedQueue<>());
		}
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
	 * Let the status lag behind uploads: after a file is stored, the next polls of its
	 * batch still answer {@code uploading} (with its upload location), as a status fed by
	 * storage events may. Default 0.
	 * @param polls how many polls after each upload
	 * @return these batches
	 */
	public FakeBatches statusLag(int polls) {
		this.statusLagPolls = polls;
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
	 * Refuse the records whose line (the whole JSON record, as uploaded) matches, as
	 * Sitecore refuses a record it cannot process: the batch ends {@code error} and its log
	 * lists each with its real {@code ref}, this code and this message.
	 * @param records which records to refuse, tested on each line
	 * @param code the error code, as Sitecore's error log documents them (for example
	 * {@code 400} for a validation error, {@code 409} for an identity that exists)
	 * @param message the message
	 * @return these batches
	 */
	public FakeBatches refuseRecords(Predicate<String> records, int code, String message) {
		this.refusal = new Refusal(records, String.valueOf(code), message);
		return this;
	}

	/**
	 * Answer the next calls of a kind with this status, without acting on them: S3's error
	 * body on the file host, CDP's on the API.
	 * @param call which call
	 * @param times how many calls
	 * @param status the status, for example 500 or 503
	 * @return these batches
	 */
	public FakeBatches failNext(Call call, int times, int status) {
		return next(call, times, new Fault(FaultKind.STATUS, status, Duration.ZERO));
	}

	/**
	 * Answer every call of a kind with this status, without acting, until
	 * {@link #recover()}.
	 * @param call which call
	 * @param status the status
	 * @return these batches
	 */
	public FakeBatches failAlways(Call call, int status) {
		this.lastingFaults.put(call, new Fault(FaultKind.STATUS, status, Duration.ZERO));
		return this;
	}

	/**
	 * Answer the next calls of a kind with {@code 429} and a {@code Retry-After} header,
	 * without acting on them.
	 * @param call which call
	 * @param times how many calls
	 * @param retryAfter the wait asked for, in whole seconds
	 * @return these batches
	 */
	public FakeBatches throttleNext(Call call, int times, Duration retryAfter) {
		return next(call, times, new Fault(FaultKind.STATUS, 429, retryAfter));
	}

	/**
	 * Close the connection of the next calls of a kind without acting and without an
	 * answer, as a connection reset.
	 * @param call which call
	 * @param times how many calls
	 * @return these batches
	 */
	public FakeBatches resetNext(Call call, int times) {
		return next(call, times, new Fault(FaultKind.RESET, 0, Duration.ZERO));
	}

	/**
	 * Act on the next calls of a kind, then close the connection instead of answering: the
	 * server did its work and the response was lost.
	 * @param call which call
	 * @param times how many calls
	 * @return these batches
	 */
	public FakeBatches loseNextResponse(Call call, int times) {
		return next(call, times, new Fault(FaultKind.LOSE, 0, Duration.ZERO));
	}

	/**
	 * Act on the next calls of a kind and answer this much later, for timeouts.
	 * @param call which call
	 * @param times how many calls
	 * @param delay the delay
	 * @return these batches
	 */
	public FakeBatches delayNext(Call call, int times, Duration delay) {
		return next(call, times, new Fault(FaultKind.DELAY, 0, delay));
	}

	/**
	 * Hold the next call of a kind before acting on it, until the test releases it: an
	 * upload held so has reached the host but is not stored yet, as a file still in flight.
	 * Calls scheduled with the other controls come first.
	 * @param call which call
	 * @return the held call, to wait for its arrival and to release it
	 */
	public HeldCall holdNext(Call call) {
		HeldCall held = new HeldCall();
		next(call, 1, new Fault(FaultKind.HOLD, 0, Duration.ZERO, held));
		return held;
	}

	/**
	 * Act on the next call of a kind, then hold its answer until the test releases it: an
	 * upload held so is stored, and its batch goes on to its outcome, but its client has
	 * not heard so.
	 * @param call which call
	 * @return the held call, to wait for its arrival and to release it
	 */
	public HeldCall holdNextAfterActing(Call call) {
		HeldCall held = new HeldCall();
		next(call, 1, new Fault(FaultKind.HOLD_AFTER_ACTING, 0, Duration.ZERO, held));
		return held;
	}

	/**
	 * Forget every injected fault, scheduled or lasting.
	 * @return these batches
	 */
	public FakeBatches recover() {
		this.nextFaults.forEach(Queue::clear);
		this.lastingFaults.clear();
		return this;
	}

	private FakeBatches next(Call call, int times, Fault fault) {
		for (int i = 0; i < times; i++) {
			this.nextFaults.get(call.ordinal()).add(fault);
		}
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

	/**
	 * Return the refs of every record imported, across batches, in the order of their
	 * batches' announcements and of their lines: the records of each batch whose file was
	 * stored and that ends (or ended) {@code success} or {@code error}, but those its error
	 * log refuses. Sitecore imports a stored file whether or not anyone asks for its
	 * status, so a batch counts from its upload on. A ref listed twice is a record
	 * imported twice.
	 * @return the record refs, as canonical lower-case UUIDs
	 */
	public List<String> importedRecordRefs() {
		return this.batches.values()
			.stream()
			.sorted((a, b) -> Long.compare(a.sequence, b.sequence))
			.flatMap((batch) -> batch.importedRecordRefs().stream())
			.toList();
	}

	void reset() {
		this.batches.clear();
		this.forcedOutcomes.clear();
		this.clientKey = CLIENT_KEY;
		this.apiToken = API_TOKEN;
		this.uploadUrlLifetime = Duration.ofHours(1);
		this.pollsWhileProcessing = 1;
		this.statusLagPolls = 0;
		this.expiredAnnouncements.set(0);
		this.refusal = null;
		recover();
	}

	private @Nullable Fault fault(Call call) {
		Fault next = this.nextFaults.get(call.ordinal()).poll();
		return (next != null) ? next : this.lastingFaults.get(call);
	}

	/** Applies the call's fault, if any, around the fake's own answer. */
	private Answer withFault(Call call, boolean onFileHost, Supplier<Answer> act) {
		Fault fault = fault(call);
		if (fault == null) {
			return act.get();
		}
		return switch (fault.kind()) {
			case STATUS -> {
				Answer failure = onFileHost ? Answer.xml(fault.status(), s3Code(fault.status()), s3Message(fault.status()))
						: Answer.json(fault.status(), "{\"status\":" + fault.status() + ",\"code\":" + fault.status()
								+ ",\"message\":\"Service unavailable, try again\"}", Duration.ZERO);
				yield (fault.status() == 429) ? failure.withHeader("Retry-After",
						String.valueOf(Math.max(0, fault.duration().toSeconds()))) : failure;
			}
			case RESET -> Answer.connectionReset(0, Duration.ZERO);
			case LOSE -> act.get().lost();
			case DELAY -> act.get().delayed(fault.duration());
			case HOLD -> {
				HeldCall held = Objects.requireNonNull(fault.held());
				held.arrive();
				yield Answer.held(held.released(), act, held::clientGone);
			}
			case HOLD_AFTER_ACTING -> {
				HeldCall held = Objects.requireNonNull(fault.held());
				Answer acted = act.get();
				held.arrive();
				yield Answer.held(held.released(), () -> acted, held::clientGone);
			}
		};
	}

	private static String s3Code(int status) {
		return switch (status) {
			case 503 -> "SlowDown";
			case 429 -> "TooManyRequests";
			default -> "InternalError";
		};
	}

	private static String s3Message(int status) {
		return (status == 503) ? "Please reduce your request rate."
				: "We encountered an internal error. Please try again.";
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
			return withFault(Call.ANNOUNCE, false, () -> announce(ref, request.body()));
		}
		return withFault(Call.STATUS, false, () -> status(ref, request));
	}

	private Answer status(String ref, RecordedCdpRequest request) {
		Batch batch = this.batches.get(ref);
		if (batch == null || !request.method().equals("GET")) {
			return Answer.json(404, "{\"status\":404,\"code\":404,\"message\":\"Not Found\","
					+ "\"developerMessage\":\"No batch " + ref + "\"}", Duration.ZERO);
		}
		Map<String, Object> answer = batch.poll(this.pollsWhileProcessing, this.fileBaseUrl.get());
		if (answer.get("status") instanceof Map<?, ?> status && "uploading".equals(status.get("code"))) {
			// As Sitecore's status page: the upload location stays readable while uploading.
			answer.put("location", location(batch));
		}
		// Every HTTP server sends its Date (RFC 9110): the clock location.expiry is on.
		return Answer.json(200, Json.write(answer), Duration.ZERO)
			.withHeader("Date", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
				.format(this.clock.instant().atZone(java.time.ZoneOffset.UTC)));
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
		Instant now = this.clock.instant();
		Batch created = new Batch(ref, checksum.group(1).toLowerCase(java.util.Locale.ROOT),
				Long.parseLong(size.group(1)), now.plus(this.uploadUrlLifetime));
		if (this.batches.putIfAbsent(ref, created) != null) {
			// Sitecore: a batch ref "must be unique across all batches".
			return Answer.json(409, "{\"status\":409,\"code\":409,\"message\":\"Conflict\","
					+ "\"developerMessage\":\"Batch " + ref + " already exists\"}", Duration.ZERO);
		}
		if (this.expiredAnnouncements.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
			created.uploadExpiresAt = now;
		}
		Batch batch = created;
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("ref", ref);
		answer.put("checksum", batch.checksum);
		answer.put("size", batch.size);
		answer.put("status", Map.of("code", batch.status));
		answer.put("location", location(batch));
		return Answer.json(201, Json.write(answer), Duration.ZERO);
	}

	private Map<String, Object> location(Batch batch) {
		return Map.of("href", this.fileBaseUrl.get() + batch.uploadPath(), "expiry", batch.uploadExpiresAt.toString());
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
		return withFault(log ? Call.ERROR_LOG : Call.UPLOAD, true,
				() -> storage(request, body, log ? ref.substring(0, ref.length() - 4) : ref, log));
	}

	private Answer storage(RecordedCdpRequest request, byte[] body, String ref, boolean log) {
		Batch batch = this.batches.get(ref);
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
			String code = problem.substring(0, problem.indexOf(':'));
			return Answer.xml(code.equals("MissingContentLength") ? 411 : 400, code,
					problem.substring(problem.indexOf(':') + 2));
		}
		String forced = this.forcedOutcomes.poll();
		batch.received(body, forced, this.refusal, this.statusLagPolls);
		return new Answer(200, "application/xml", new byte[0], Duration.ZERO);
	}

	private static @Nullable String uploadProblem(RecordedCdpRequest request, byte[] body, Batch batch) {
		if (request.header("Content-Length") == null) {
			return "MissingContentLength: You must provide the Content-Length HTTP header.";
		}
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
		// A file that differs from its announcement is stored: Sitecore ends the batch
		// corrupted ("the MD5 checksum or the size of the gzipped file does not match").
		return null;
	}

	private static Map<String, Object> failedLine(FailedRecord failed) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("ref", failed.ref());
		line.put("code", failed.code().chars().allMatch(Character::isDigit) ? Integer.valueOf(failed.code())
				: failed.code());
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
		return check(gzip, records, null, new RecordRefs());
	}

	static @Nullable List<FailedRecord> check(byte[] gzip, long[] records, @Nullable Refusal refusal,
			RecordRefs valid) {
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
					count = checkLine(buffer, start, end, count, failed, refusal, valid);
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
			count = checkLine(buffer, 0, length, count, failed, refusal, valid);
		}
		catch (IOException ex) {
			return null;
		}
		records[0] = count;
		return failed;
	}

	/**
	 * Checks one line, unless blank, and keeps its ref in {@code valid} when it passes;
	 * returns the count of records so far.
	 */
	private static long checkLine(byte[] bytes, int start, int end, long count, List<FailedRecord> failed,
			@Nullable Refusal refusal, RecordRefs valid) {
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
		if (problem == null && refusal != null) {
			String line = new String(bytes, first, last - first, StandardCharsets.UTF_8);
			if (refusal.records().test(line)) {
				int refStart = valueStart(bytes, REF, first, last);
				problem = new FailedRecord(new String(bytes, refStart, 36, StandardCharsets.US_ASCII), refusal.code(),
						refusal.message());
			}
		}
		if (problem != null) {
			failed.add(problem);
		}
		else {
			valid.add(bytes, valueStart(bytes, REF, first, last));
		}
		return count + 1;
	}

	private static @Nullable FailedRecord problem(byte[] line, int start, int end, long number) {
		int refStart = valueStart(line, REF, start, end);
		int refEnd = (refStart < 0) ? -1 : indexOf(line, (byte) '"', refStart, end);
		String ref = (refEnd < 0) ? null : new String(line, refStart, refEnd - refStart, StandardCharsets.UTF_8);
		if (line[start] != '{' || line[end - 1] != '}') {
			return new FailedRecord(ref, "400", "Validation error: line " + number + " is not a JSON object");
		}
		if (refEnd < 0 || !isUuid(line, refStart, refEnd)) {
			return new FailedRecord(ref, "400", "Validation error: ref must be a UUID");
		}
		if (!hasValueOf(line, SCHEMA, SCHEMAS, start, end)) {
			return new FailedRecord(ref, "400", "Validation error: schema must be guest, order or tracking");
		}
		if (!hasValueOf(line, MODE, MODES, start, end)) {
			return new FailedRecord(ref, "402", "Unsupported mode");
		}
		if (indexOf(line, VALUE, start, end) < 0) {
			return new FailedRecord(ref, "400", "Validation error: value must be a JSON object");
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

		/** The refs of the records that passed the checks: imported unless it ends corrupted. */
		volatile RecordRefs valid = new RecordRefs();

		volatile int polls;

		volatile int processingPolls;

		volatile @Nullable String outcome;

		volatile boolean noLog;

		volatile int lagPolls;

		Batch(String ref, String checksum, long size, Instant uploadExpiresAt) {
			this.ref = ref;
			this.checksum = checksum;
			this.size = size;
			this.uploadExpiresAt = uploadExpiresAt;
		}

		String uploadPath() {
			return "/batches/" + this.ref + "?" + signedQuery();
		}

		String signedQuery() {
			return "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=fake%2Fbatch&X-Amz-Signature="
					+ Integer.toHexString((this.ref + this.checksum).hashCode());
		}

		synchronized void received(byte[] gzip, @Nullable String forced, @Nullable Refusal refusal, int lag) {
			this.lagPolls = lag;
			long[] count = new long[1];
			RecordRefs passed = new RecordRefs();
			List<FailedRecord> found = check(gzip, count, refusal, passed);
			this.records = count[0];
			this.valid = passed;
			if (forced != null) {
				this.outcome = forced;
				this.failed = forced.equals("error") ? List.of(new FailedRecord(null, "500", "Internal server error"))
						: List.of();
			}
			else if (gzip.length != this.size || !HexFormat.of().formatHex(md5(gzip)).equals(this.checksum)) {
				this.outcome = "corrupted";
			}
			else if (found == null) {
				// Sitecore's status page: "error" with no log when the file is not gzip.
				this.outcome = "error";
				this.noLog = true;
			}
			else {
				this.failed = List.copyOf(found);
				this.outcome = found.isEmpty() ? "success" : "error";
			}
			this.status = "processing";
		}

		synchronized Map<String, Object> poll(int pollsWhileProcessing, String fileBaseUrl) {
			this.polls++;
			if (this.lagPolls > 0) {
				this.lagPolls--;
				Map<String, Object> lagging = new LinkedHashMap<>();
				lagging.put("ref", this.ref);
				lagging.put("checksum", this.checksum);
				lagging.put("size", this.size);
				lagging.put("status", Map.of("code", "uploading"));
				return lagging;
			}
			String outcome = this.outcome;
			if (this.status.equals("processing") && outcome != null && ++this.processingPolls > pollsWhileProcessing) {
				this.status = outcome;
			}
			Map<String, Object> statusField = new LinkedHashMap<>();
			statusField.put("code", this.status);
			if (this.status.equals("error") && !this.noLog) {
				statusField.put("log", fileBaseUrl + "/batches/" + this.ref + "/log");
			}
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("ref", this.ref);
			answer.put("checksum", this.checksum);
			answer.put("size", this.size);
			answer.put("status", statusField);
			return answer;
		}

		synchronized List<String> importedRecordRefs() {
			String outcome = this.outcome;
			if (outcome == null || outcome.equals("corrupted")) {
				return List.of();
			}
			return this.valid.toStrings();
		}

		FakeBatch view() {
			return new FakeBatch(this.ref, this.checksum, this.size, this.uploadExpiresAt, this.status, this.records,
					this.failed, this.polls);
		}

	}

	/**
	 * A call of the Batch API or its storage host, for fault injection.
	 */
	public enum Call {

		/** {@code PUT /v2/batches/{ref}}. */
		ANNOUNCE,

		/** {@code GET /v2/batches/{ref}}. */
		STATUS,

		/** {@code PUT} of the file to the presigned URL. */
		UPLOAD,

		/** {@code GET} of a batch's error log. */
		ERROR_LOG

	}

	private enum FaultKind {

		STATUS, RESET, LOSE, DELAY, HOLD, HOLD_AFTER_ACTING

	}

	private record Fault(FaultKind kind, int status, Duration duration, @Nullable HeldCall held) {

		Fault(FaultKind kind, int status, Duration duration) {
			this(kind, status, duration, null);
		}

	}

	record Refusal(Predicate<String> records, String code, String message) {
	}

	/**
	 * Record refs kept as two longs each, not a string per line: a benchmark's file holds a
	 * million records, and the fake's time and heap count in it.
	 */
	static final class RecordRefs {

		private long[] bits = new long[32];

		private int size;

		/** Keeps the canonical UUID (already checked) that starts at {@code at}. */
		void add(byte[] line, int at) {
			if (this.size + 2 > this.bits.length) {
				this.bits = Arrays.copyOf(this.bits, this.bits.length * 2);
			}
			long high = 0;
			long low = 0;
			int digits = 0;
			for (int i = at; i < at + 36; i++) {
				int digit = Character.digit(line[i], 16);
				if (digit < 0) {
					continue;
				}
				if (digits++ < 16) {
					high = (high << 4) | digit;
				}
				else {
					low = (low << 4) | digit;
				}
			}
			this.bits[this.size++] = high;
			this.bits[this.size++] = low;
		}

		List<String> toStrings() {
			List<String> refs = new ArrayList<>(this.size / 2);
			for (int i = 0; i < this.size; i += 2) {
				refs.add(new UUID(this.bits[i], this.bits[i + 1]).toString());
			}
			return refs;
		}

	}

}

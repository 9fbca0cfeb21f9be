package io.github.sitecorecdp.fake;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
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
 * at S3. Its files are those of the {@link FakeCdpApi} that owns it.
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
	 * Forget the file requests received and the scripted failures.
	 */
	public void reset() {
		this.journal.clear(Kind.FILE);
		this.failures.clear();
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
		return new Answer(200, "application/gzip", job.files().get(index).gzipped(), Duration.ZERO);
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

package io.github.sitecorecdp.fake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import io.github.sitecorecdp.fake.FakeBatch.FailedRecord;
import io.github.sitecorecdp.fake.TestHttp.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The fake's Batch API and upload host, seen through the JDK's HTTP client.
 */
class FakeBatchesTests {

	private static final String BASIC = "Basic " + Base64.getEncoder()
		.encodeToString((FakeBatches.CLIENT_KEY + ":" + FakeBatches.API_TOKEN).getBytes(StandardCharsets.UTF_8));

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start(this.clock);

	private final TestHttp http = new TestHttp();

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	@Test
	void whenAValidFileIsAnnouncedUploadedAndPolledThenTheBatchSucceeds() throws Exception {
		String ref = UUID.randomUUID().toString();
		byte[] file = gzip(line("guest", "upsert") + "\n" + line("order", "insert") + "\n");
		Answer announced = announce(ref, file);
		assertThat(announced.status()).isEqualTo(201);
		assertThat(announced.body()).contains("\"code\":\"uploading\"").contains(this.cdp.fileBaseUrl().toString());
		assertThat(upload(href(announced), file, md5Base64(file), true).status()).isEqualTo(200);
		assertThat(poll(ref).body()).contains("\"code\":\"processing\"");
		assertThat(poll(ref).body()).contains("\"code\":\"success\"");
		FakeBatch batch = this.cdp.api().batches().batches().get(0);
		assertThat(batch.status()).isEqualTo("success");
		assertThat(batch.records()).isEqualTo(2);
		assertThat(batch.polls()).isEqualTo(2);
	}

	@Test
	void whenRecordsAreInvalidThenTheBatchEndsInErrorWithALogOfThem() throws Exception {
		String ref = UUID.randomUUID().toString();
		String bad = "{\"ref\":\"not-a-uuid\",\"schema\":\"guest\",\"mode\":\"upsert\",\"value\":{}}";
		byte[] file = gzip(line("guest", "upsert") + "\n" + line("person", "upsert") + "\n" + bad + "\n");
		upload(href(announce(ref, file)), file, md5Base64(file), true);
		poll(ref);
		Answer done = poll(ref);
		assertThat(done.body()).contains("\"code\":\"error\"").contains("\"log\":\"");
		String log = done.body().substring(done.body().indexOf("\"log\":\"") + 7).split("\"")[0];
		Answer errors = this.http.get(URI.create(log), null);
		assertThat(errors.body().split("\n")).hasSize(2);
		assertThat(errors.body()).contains("\"code\":400").contains("Validation error").contains("not-a-uuid");
		assertThat(this.cdp.api().batches().batches().get(0).failedRecords()).extracting(FailedRecord::code)
			.containsExactly("400", "400");
	}

	@Test
	void whenLinesSpanBuffersEndInCrLfOrAreBlankThenEachRecordIsCheckedOnce() throws Exception {
		String longValue = "x".repeat(200_000);
		String longLine = "{\"ref\":\"" + UUID.randomUUID() + "\",\"schema\":\"order\",\"mode\":\"merge\","
				+ "\"value\":{\"note\":\"" + longValue + "\"}}";
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < 2000; i++) {
			text.append(line("guest", "upsert")).append((i % 2 == 0) ? "\r\n" : "\n");
		}
		text.append("\n  \n").append(longLine).append('\n');
		text.append("{\"ref\":\"ABCDEF01-2345-6789-ABCD-EF0123456789\",\"schema\":\"guest\",\"mode\":\"insert\",")
			.append("\"value\":{}}\n");
		text.append("{\"ref\":\"").append(UUID.randomUUID()).append("\",\"schema\":\"guest\",\"mode\":\"delete\",")
			.append("\"value\":{}}\n");
		text.append("{\"ref\":\"").append(UUID.randomUUID()).append("\",\"schema\":\"guest\",\"mode\":\"upsert\",")
			.append("\"value\":[]}\n");
		text.append("[\"ref\"]\n");
		text.append(line("guest", "upsert"));
		long[] records = new long[1];
		assertThat(FakeBatches.check(gzip(text.toString()), records)).extracting(FailedRecord::code)
			.containsExactly("402", "400", "400");
		assertThat(records[0]).isEqualTo(2000 + 1 + 1 + 3 + 1);
		assertThat(FakeBatches.check("not gzip".getBytes(StandardCharsets.UTF_8), records)).isNull();
	}

	@Test
	void whenTheUploadBreaksWhatThePresignedUrlWasSignedForThenTheUploadHostRefuses() throws Exception {
		String ref = UUID.randomUUID().toString();
		byte[] file = gzip(line("guest", "insert") + "\n");
		String href = href(announce(ref, file));
		Answer withToken = this.http.exchange(HttpRequest.newBuilder(URI.create(href))
			.header("Authorization", "Bearer x")
			.header("Content-Type", "application/gzip")
			.header("Content-Md5", md5Base64(file))
			.header("x-amz-server-side-encryption", "AES256")
			.PUT(HttpRequest.BodyPublishers.ofByteArray(file)));
		assertThat(withToken.status()).isEqualTo(400);
		assertThat(upload(href, file, md5Base64(gzip("other")), true).body()).contains("BadDigest");
		assertThat(upload(href, file, md5Base64(file), false).body()).contains("x-amz-server-side-encryption");
		assertThat(this.cdp.api().batches().batches().get(0).status()).isEqualTo("uploading");
	}

	@Test
	void whenTheFileDiffersFromItsAnnouncementThenTheUploadIsTakenAndTheBatchEndsCorrupted() throws Exception {
		String ref = UUID.randomUUID().toString();
		byte[] announced = gzip(line("guest", "insert") + "\n");
		byte[] other = gzip(line("order", "insert") + "\n" + line("order", "insert") + "\n");
		assertThat(upload(href(announce(ref, announced)), other, md5Base64(other), true).status()).isEqualTo(200);
		poll(ref);
		assertThat(poll(ref).body()).contains("\"code\":\"corrupted\"");
	}

	@Test
	void whenAnUploadIsChunkedWithoutContentLengthThenTheUploadHostAnswers411() throws Exception {
		String ref = UUID.randomUUID().toString();
		byte[] file = gzip(line("guest", "insert") + "\n");
		Answer chunked = this.http.exchange(HttpRequest.newBuilder(URI.create(href(announce(ref, file))))
			.version(java.net.http.HttpClient.Version.HTTP_1_1)
			.header("Content-Type", "application/gzip")
			.header("Content-Md5", md5Base64(file))
			.header("x-amz-server-side-encryption", "AES256")
			.PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(file))));
		assertThat(chunked.status()).isEqualTo(411);
		assertThat(chunked.body()).contains("MissingContentLength");
		assertThat(this.cdp.api().batches().batches().get(0).status()).isEqualTo("uploading");
	}

	@Test
	void whenARefIsAnnouncedTwiceThenTheSecondIsRefusedAndTheFirstKept() throws Exception {
		String ref = UUID.randomUUID().toString();
		byte[] file = gzip(line("guest", "insert") + "\n");
		assertThat(announce(ref, file).status()).isEqualTo(201);
		Answer again = announce(ref, gzip("other"));
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.body()).contains("already exists");
		assertThat(this.cdp.api().batches().batches()).singleElement()
			.satisfies((batch) -> assertThat(batch.size()).isEqualTo(file.length));
	}

	@Test
	void whenABatchIsUploadingThenItsStatusCarriesTheUploadLocation() throws Exception {
		String ref = UUID.randomUUID().toString();
		byte[] file = gzip(line("guest", "insert") + "\n");
		String href = href(announce(ref, file));
		assertThat(href(poll(ref))).isEqualTo(href);
	}

	@Test
	void whenChosenRecordsAreRefusedThenTheLogNamesEachWithItsRefCodeAndMessage() throws Exception {
		this.cdp.api().batches().refuseRecords((record) -> record.contains("b@example.com"), 409,
				"Identity already exists");
		String refused = UUID.randomUUID().toString();
		String ref = UUID.randomUUID().toString();
		byte[] file = gzip(line("guest", "upsert") + "\n{\"ref\":\"" + refused
				+ "\",\"schema\":\"guest\",\"mode\":\"upsert\",\"value\":{\"email\":\"b@example.com\"}}\n");
		upload(href(announce(ref, file)), file, md5Base64(file), true);
		poll(ref);
		assertThat(poll(ref).body()).contains("\"code\":\"error\"");
		assertThat(this.cdp.api().batches().batches().get(0).failedRecords())
			.containsExactly(new FailedRecord(refused, "409", "Identity already exists"));
	}

	@Test
	void whenRecordsAreRefusedThroughTheControlApiThenTheLogNamesEachWithTheGivenCodeAndMessage() throws Exception {
		try (FakeControlApi control = new FakeControlApi(this.cdp, 0)) {
			Answer answer = this.http.exchange(HttpRequest
				.newBuilder(URI.create(control.baseUrl() + "/batches/refuse?containing=b%40example.com&code=409"
						+ "&message=Identity%20already%20exists"))
				.POST(HttpRequest.BodyPublishers.noBody()));
			assertThat(answer.status()).isEqualTo(200);
		}
		String refused = UUID.randomUUID().toString();
		String ref = UUID.randomUUID().toString();
		byte[] file = gzip(line("guest", "upsert") + "\n{\"ref\":\"" + refused
				+ "\",\"schema\":\"guest\",\"mode\":\"upsert\",\"value\":{\"email\":\"b@example.com\"}}\n");
		upload(href(announce(ref, file)), file, md5Base64(file), true);
		poll(ref);
		assertThat(poll(ref).body()).contains("\"code\":\"error\"");
		assertThat(this.cdp.api().batches().batches().get(0).failedRecords())
			.containsExactly(new FailedRecord(refused, "409", "Identity already exists"));
	}

	@Test
	void whenARecordRefusalLacksItsTextThenTheControlApiAnswers400NamingIt() {
		try (FakeControlApi control = new FakeControlApi(this.cdp, 0)) {
			Answer answer = this.http.exchange(HttpRequest
				.newBuilder(URI.create(control.baseUrl() + "/batches/refuse?code=409"))
				.POST(HttpRequest.BodyPublishers.noBody()));
			assertThat(answer.status()).isEqualTo(400);
			assertThat(answer.body()).contains("containing is required");
		}
	}

	@Test
	void whenFaultsAreInjectedThenEachCallFailsAsScriptedAndThenRecovers() throws Exception {
		FakeBatches batches = this.cdp.api().batches();
		String ref = UUID.randomUUID().toString();
		byte[] file = gzip(line("guest", "insert") + "\n");
		batches.failNext(FakeBatches.Call.ANNOUNCE, 1, 503).throttleNext(FakeBatches.Call.ANNOUNCE, 1,
				Duration.ofSeconds(7));
		assertThat(announce(ref, file).status()).isEqualTo(503);
		Answer throttled = this.http.exchangeWithHeaders(HttpRequest.newBuilder(URI.create(this.cdp.baseUrl()
				+ "/v2/batches/" + ref)).header("Authorization", BASIC).PUT(HttpRequest.BodyPublishers.ofString("{}")),
				"Retry-After");
		assertThat(throttled.status()).isEqualTo(429);
		assertThat(throttled.body()).isEqualTo("7");
		assertThat(batches.batches()).isEmpty();
		batches.loseNextResponse(FakeBatches.Call.ANNOUNCE, 1);
		assertThatExceptionOfType(java.io.UncheckedIOException.class).isThrownBy(() -> announce(ref, file));
		assertThat(batches.batches()).hasSize(1);
		batches.resetNext(FakeBatches.Call.UPLOAD, 1).failAlways(FakeBatches.Call.STATUS, 500);
		String href = href(announce(UUID.randomUUID().toString(), file));
		assertThatExceptionOfType(java.io.UncheckedIOException.class)
			.isThrownBy(() -> upload(href, file, md5Base64(file), true));
		assertThat(poll(ref).status()).isEqualTo(500);
		assertThat(poll(ref).status()).isEqualTo(500);
		batches.recover();
		assertThat(poll(ref).status()).isEqualTo(200);
	}

	@Test
	void whenTheUploadUrlHasExpiredThenTheUploadIsRefusedAndANewBatchGivesANewOne() throws Exception {
		String ref = UUID.randomUUID().toString();
		byte[] file = gzip(line("guest", "insert") + "\n");
		String href = href(announce(ref, file));
		this.clock.advance(Duration.ofMinutes(61));
		Answer refused = upload(href, file, md5Base64(file), true);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.body()).contains("Request has expired");
		assertThat(upload(href(announce(UUID.randomUUID().toString(), file)), file, md5Base64(file), true).status())
			.isEqualTo(200);
	}

	@Test
	void whenCredentialsAreMissingOrWrongThenTheBatchApiAnswersUnauthorized() throws Exception {
		String ref = UUID.randomUUID().toString();
		Answer bearer = this.http.exchange(HttpRequest.newBuilder(URI.create(this.cdp.baseUrl() + "/v2/batches/" + ref))
			.header("Authorization", "Bearer " + this.http.token(this.cdp.tokenUri()))
			.PUT(HttpRequest.BodyPublishers.ofString("{\"checksum\":\"" + "0".repeat(32) + "\",\"size\":1}")));
		assertThat(bearer.status()).isEqualTo(401);
		this.cdp.api().batches().credentials("other-key", "other-token");
		assertThat(announce(ref, gzip("x")).status()).isEqualTo(401);
	}

	@Test
	void whenABatchIsForcedToFailOrTheFileIsNoGzipThenItEndsCorruptedOrInError() throws Exception {
		this.cdp.api().batches().failNextBatchAs("error");
		String first = UUID.randomUUID().toString();
		byte[] file = gzip(line("guest", "insert") + "\n");
		upload(href(announce(first, file)), file, md5Base64(file), true);
		poll(first);
		assertThat(poll(first).body()).contains("\"code\":\"error\"");
		String second = UUID.randomUUID().toString();
		byte[] notGzip = "plain text".getBytes(StandardCharsets.UTF_8);
		upload(href(announce(second, notGzip)), notGzip, md5Base64(notGzip), true);
		poll(second);
		assertThat(poll(second).body()).contains("\"code\":\"error\"").doesNotContain("\"log\"");
	}

	@Test
	void whenAnUploadIsHeldBeforeActingThenNothingIsStoredUntilItIsReleased() throws Exception {
		FakeBatches batches = this.cdp.api().batches();
		String ref = UUID.randomUUID().toString();
		byte[] file = gzip(line("guest", "insert") + "\n");
		String href = href(announce(ref, file));
		HeldCall held = batches.holdNext(FakeBatches.Call.UPLOAD);
		CompletableFuture<HttpResponse<String>> upload = HttpClient.newHttpClient()
			.sendAsync(uploadRequest(href, file).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(held.awaitArrival(Duration.ofSeconds(10))).isTrue();
		assertThat(batches.batches()).singleElement().satisfies((batch) -> {
			assertThat(batch.status()).isEqualTo("uploading");
			assertThat(batch.records()).isZero();
		});
		assertThat(upload).isNotDone();
		held.release();
		assertThat(upload.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		assertThat(batches.batches().get(0).status()).isEqualTo("processing");
	}

	@Test
	void whenTheClientOfAHeldUploadHasGoneThenTheReleaseStoresNothingAndJournalsIt() throws Exception {
		FakeBatches batches = this.cdp.api().batches();
		String ref = UUID.randomUUID().toString();
		byte[] file = gzip(line("guest", "insert") + "\n");
		URI href = URI.create(href(announce(ref, file)));
		HeldCall held = batches.holdNext(FakeBatches.Call.UPLOAD);
		// A raw socket: closing it is what the host sees of a client killed mid-upload.
		try (Socket socket = new Socket(href.getHost(), href.getPort())) {
			OutputStream out = socket.getOutputStream();
			out.write(("PUT " + href.getRawPath() + "?" + href.getRawQuery() + " HTTP/1.1\r\nHost: " + href.getHost()
					+ ":" + href.getPort() + "\r\nContent-Type: application/gzip\r\nContent-Md5: " + md5Base64(file)
					+ "\r\nx-amz-server-side-encryption: AES256\r\nContent-Length: " + file.length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(file);
			out.flush();
			assertThat(held.awaitArrival(Duration.ofSeconds(10))).isTrue();
		}
		assertThat(held.awaitClientGone(Duration.ofSeconds(10))).isTrue();
		held.release();
		assertThat(this.cdp.fileHost().requests()).singleElement()
			.satisfies((request) -> assertThat(request.status()).isEqualTo(HeldCall.CLIENT_GONE));
		assertThat(batches.batches()).singleElement().satisfies((batch) -> {
			assertThat(batch.status()).isEqualTo("uploading");
			assertThat(batch.records()).isZero();
		});
		assertThat(batches.importedRecordRefs()).isEmpty();
	}

	@Test
	void whenAnUploadIsHeldAfterActingThenTheFileIsStoredBeforeItsClientHears() throws Exception {
		FakeBatches batches = this.cdp.api().batches();
		String ref = UUID.randomUUID().toString();
		byte[] file = gzip(line("guest", "insert") + "\n");
		String href = href(announce(ref, file));
		HeldCall held = batches.holdNextAfterActing(FakeBatches.Call.UPLOAD);
		CompletableFuture<HttpResponse<String>> upload = HttpClient.newHttpClient()
			.sendAsync(uploadRequest(href, file).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(held.awaitArrival(Duration.ofSeconds(10))).isTrue();
		assertThat(batches.batches().get(0).status()).isEqualTo("processing");
		// Another client is served meanwhile: the hold blocks no server thread.
		assertThat(poll(ref).status()).isEqualTo(200);
		assertThat(upload).isNotDone();
		held.release();
		assertThat(upload.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
	}

	@Test
	void whenBatchesAreStoredThenImportedRecordRefsListsTheirRecordsInOrderButRefusedAndCorruptedOnes()
			throws Exception {
		FakeBatches batches = this.cdp.api().batches();
		batches.refuseRecords((record) -> record.contains("refuse-me"), 400, "Validation error");
		String first = UUID.randomUUID().toString();
		String second = UUID.randomUUID().toString();
		String refused = UUID.randomUUID().toString();
		String third = UUID.randomUUID().toString();
		String upper = "ABCDEF01-2345-6789-ABCD-EF0123456789";
		byte[] one = gzip(line(first) + "\n" + line(refused).replace("a@example.com", "refuse-me") + "\n" + line(second)
				+ "\n" + line(upper) + "\n");
		upload(href(announce(UUID.randomUUID().toString(), one)), one, md5Base64(one), true);
		byte[] corrupted = gzip(line(UUID.randomUUID().toString()) + "\n");
		batches.failNextBatchAs("corrupted");
		upload(href(announce(UUID.randomUUID().toString(), corrupted)), corrupted, md5Base64(corrupted), true);
		byte[] two = gzip(line(third) + "\n" + line(first) + "\n");
		String lastRef = UUID.randomUUID().toString();
		announce(lastRef, two);
		assertThat(batches.importedRecordRefs()).containsExactly(first, second, upper.toLowerCase(Locale.ROOT));
		upload(href(announce(UUID.randomUUID().toString(), two)), two, md5Base64(two), true);
		assertThat(batches.importedRecordRefs()).containsExactly(first, second, upper.toLowerCase(Locale.ROOT), third,
				first);
	}

	private Answer announce(String ref, byte[] file) throws Exception {
		String body = "{\"checksum\":\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(file))
				+ "\",\"size\":" + file.length + "}";
		return this.http.exchange(HttpRequest.newBuilder(URI.create(this.cdp.baseUrl() + "/v2/batches/" + ref))
			.header("Authorization", BASIC)
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(body)));
	}

	private static HttpRequest.Builder uploadRequest(String href, byte[] file) throws Exception {
		return HttpRequest.newBuilder(URI.create(href))
			.header("Content-Type", "application/gzip")
			.header("Content-Md5", md5Base64(file))
			.header("x-amz-server-side-encryption", "AES256")
			.PUT(HttpRequest.BodyPublishers.ofByteArray(file));
	}

	private Answer upload(String href, byte[] file, String contentMd5, boolean encrypted) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(href))
			.header("Content-Type", "application/gzip")
			.header("Content-Md5", contentMd5)
			.PUT(HttpRequest.BodyPublishers.ofByteArray(file));
		if (encrypted) {
			request.header("x-amz-server-side-encryption", "AES256");
		}
		return this.http.exchange(request);
	}

	private Answer poll(String ref) {
		return this.http.exchange(HttpRequest.newBuilder(URI.create(this.cdp.baseUrl() + "/v2/batches/" + ref))
			.header("Authorization", BASIC));
	}

	private static String href(Answer announced) {
		String start = announced.body().substring(announced.body().indexOf("\"href\":\"") + 8);
		return start.substring(0, start.indexOf('"'));
	}

	private static String line(String ref) {
		return "{\"ref\":\"" + ref + "\",\"schema\":\"guest\",\"mode\":\"upsert\",\"value\":{\"email\":\"a@example.com\"}}";
	}

	private static String line(String schema, String mode) {
		return "{\"ref\":\"" + UUID.randomUUID() + "\",\"schema\":\"" + schema + "\",\"mode\":\"" + mode
				+ "\",\"value\":{\"email\":\"a@example.com\"}}";
	}

	private static byte[] gzip(String text) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
			out.write(text.getBytes(StandardCharsets.UTF_8));
		}
		return bytes.toByteArray();
	}

	private static String md5Base64(byte[] bytes) throws Exception {
		return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
	}

}

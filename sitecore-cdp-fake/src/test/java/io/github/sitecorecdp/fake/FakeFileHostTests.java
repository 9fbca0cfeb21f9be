package io.github.sitecorecdp.fake;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The file host serves export files as S3 serves objects, ranges and ETags included, and
 * injects the faults of a download.
 */
class FakeFileHostTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private final FakeExportJob job = this.cdp.audienceExport("a").addJob("e").addFile("add", lines());

	private final URI file = this.cdp.api().fileUrl(this.job, 0);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	@Test
	void whenARangeIsAskedThenTheRestComesWith206AndItsContentRange() throws Exception {
		HttpResponse<byte[]> whole = get(HttpRequest.newBuilder(this.file));
		String etag = whole.headers().firstValue("ETag").orElseThrow();
		HttpResponse<byte[]> rest = get(HttpRequest.newBuilder(this.file).header("Range", "bytes=10-")
			.header("If-Match", etag));
		assertThat(rest.statusCode()).isEqualTo(206);
		assertThat(rest.headers().firstValue("Content-Range"))
			.hasValue("bytes 10-" + (whole.body().length - 1) + "/" + whole.body().length);
		assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(whole.body(), 10, whole.body().length));
	}

	@Test
	void whenTheFileChangedThenARangeWithItsOldETagGets412() throws Exception {
		String etag = get(HttpRequest.newBuilder(this.file)).headers().firstValue("ETag").orElseThrow();
		this.job.replaceFile(0, List.of("{\"other\":1}"));
		HttpResponse<byte[]> rest = get(HttpRequest.newBuilder(this.file).header("Range", "bytes=10-")
			.header("If-Match", etag));
		assertThat(rest.statusCode()).isEqualTo(412);
	}

	@Test
	void whenRangesAreIgnoredThenTheWholeFileComesWith200() throws Exception {
		this.cdp.fileHost().ignoreRanges();
		HttpResponse<byte[]> answer = get(HttpRequest.newBuilder(this.file).header("Range", "bytes=10-"));
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.headers().firstValue("Content-Range")).isEmpty();
	}

	@Test
	@Timeout(20)
	void whenADownloadIsCutThenItsWholeLengthIsAnnouncedOnlyItsFirstBytesSentAndTheConnectionClosed()
			throws Exception {
		this.cdp.fileHost().cutNextFileDownloads(1, 20);
		// A raw socket: what arrives before the close is seen exactly, where an HTTP client
		// only reports that the body was cut.
		try (Socket socket = new Socket(this.file.getHost(), this.file.getPort())) {
			socket.getOutputStream()
				.write(("GET " + this.file.getRawPath() + "?" + this.file.getRawQuery() + " HTTP/1.1\r\nHost: "
						+ this.file.getAuthority() + "\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
			String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
			assertThat(head).startsWith("HTTP/1.1 200")
				.containsIgnoringCase("content-length: " + get(HttpRequest.newBuilder(this.file)).body().length);
			assertThat(answer.length() - head.length() - 4).isEqualTo(20);
		}
		assertThat(get(HttpRequest.newBuilder(this.file)).statusCode()).isEqualTo(200);
	}

	@Test
	void whenDownloadsAreThrottledThenTheyGet429WithRetryAfter() throws Exception {
		this.cdp.fileHost().throttleNextFileDownloads(1, Duration.ofSeconds(3));
		HttpResponse<byte[]> throttled = get(HttpRequest.newBuilder(this.file));
		assertThat(throttled.statusCode()).isEqualTo(429);
		assertThat(throttled.headers().firstValue("Retry-After")).hasValue("3");
		assertThat(get(HttpRequest.newBuilder(this.file)).statusCode()).isEqualTo(200);
	}

	@Test
	void whenDownloadsFailUntilRecoveryThenEachFailsUntilThen() throws Exception {
		this.cdp.fileHost().failFileDownloads(503);
		assertThat(get(HttpRequest.newBuilder(this.file)).statusCode()).isEqualTo(503);
		assertThat(get(HttpRequest.newBuilder(this.file)).statusCode()).isEqualTo(503);
		this.cdp.fileHost().recover();
		assertThat(get(HttpRequest.newBuilder(this.file)).statusCode()).isEqualTo(200);
	}

	private HttpResponse<byte[]> get(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
	}

	private static List<String> lines() {
		return IntStream.range(0, 200).mapToObj((i) -> "{\"guest\":" + i + "}").toList();
	}

}

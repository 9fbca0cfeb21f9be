package io.github.sitecorecdp.fake;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.github.sitecorecdp.fake.TestHttp.Answer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built {@code sitecore-cdp-fake-<version>-standalone.jar}, run with {@code java -jar}
 * as docs/test-kit.md says ("A runnable fake"): everything it needs is inside, and it serves another JVM.
 */
class FakeSitecoreCdpServerJarIT {

	@Test
	void whenTheStandaloneJarIsRunThenItIssuesTokensAndItsControlApiListsThem() throws InterruptedException {
		Path jar = Path.of(System.getProperty("standaloneJar"));
		assertThat(jar).exists();
		try (FakeServerProcess fake = FakeServerProcess.fromJar(jar, "--port=0", "--registrations=personalize")
			.awaitReady()) {
			TestHttp http = new TestHttp();
			Answer token = http.requestToken(fake.tokenUri(), "fake-personalize-key", "fake-personalize-secret",
					FakeSitecoreCdp.AUDIENCE);
			assertThat(token.status()).isEqualTo(200);
			Answer tokens = http.exchange(HttpRequest.newBuilder(URI.create(fake.controlUrl() + "/tokens")));
			assertThat(tokens.body()).contains("\"apiKey\":\"fake-personalize-key\",\"state\":\"valid\"");
			assertThat(http.exchange(HttpRequest.newBuilder(URI.create(fake.controlUrl() + "/tokens/revoke"))
				.POST(HttpRequest.BodyPublishers.noBody())).status()).isEqualTo(200);
			assertThat(http.exchange(HttpRequest.newBuilder(URI.create(fake.controlUrl() + "/tokens"))).body())
				.contains("\"apiKey\":\"fake-personalize-key\",\"state\":\"revoked\"");
		}
	}

	@Test
	void whenHelpIsAskedForThenTheJarPrintsItsOptions() throws InterruptedException {
		FakeServerProcess fake = FakeServerProcess.fromJar(Path.of(System.getProperty("standaloneJar")), "--help");
		assertThat(fake.awaitExit()).isZero();
		assertThat(fake.output()).contains("--port=N").contains("--registrations=a,b").contains("--demo-data");
	}

	@Test
	void whenBuiltThenTheJarLeavesOutHttp3AndItsNativeLibraries() throws IOException {
		try (ZipFile jar = new ZipFile(System.getProperty("standaloneJar"))) {
			assertThat(jar.stream().map(ZipEntry::getName)).noneMatch((name) -> name.contains("quic"))
				.anyMatch((name) -> name.equals("reactor/netty/http/server/HttpServer.class"));
		}
	}

}

package io.github.sitecorecdp.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The command of docs/releasing.md, {@code ./mvnw -B -Prelease -DskipTests -Dmaven.install.skip=true
 * deploy}, run as a maintainer would on a fresh clone: in a copy of the source tree (without any
 * {@code target/}, so the running build's own output is neither read nor touched) and without a signing
 * key (an empty {@code GNUPGHOME}). It must stage, for the five published artifacts only, what Maven
 * Central takes, unsigned, and install nothing.
 * <p>
 * Without network: Maven Central is reached once before, and only to download the release profile's
 * plugins, which the ordinary build does not use ({@code dependency:resolve-plugins}). The release build
 * then must neither download nor upload anything: Maven reports each transfer in its log, and Central's
 * publishing API is pointed at a local server that counts what it is sent. Maven's offline mode ({@code -o})
 * cannot prove it: the SBOM and the staging goals declare that they need online mode, and Maven skips
 * them when offline, silently staging nothing.
 * <p>
 * A nested build of the whole project takes about a minute and a half, so it runs once per CI run: on
 * the default Spring Boot line, not again under profiles {@code boot35} and {@code boot41}, which set
 * {@code release-build-test.skip} (what is staged does not depend on the line tested against), and not
 * again in the AOT test run.
 */
@DisabledIfSystemProperty(named = "release-build-test.skip", matches = "true")
@DisabledIfSystemProperty(named = "spring.aot.enabled", matches = "true")
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "runs ./mvnw, as docs/releasing.md does")
class ReleaseBuildTests {

	private static final String GROUP_PATH = "io/github/sitecorecdp";

	/** What docs/releasing.md promises to publish; nothing else may be staged. */
	private static final Set<String> PUBLISHED = Set.of("sitecore-cdp-spring-boot-parent",
			"sitecore-cdp-spring-boot-autoconfigure", "sitecore-cdp-spring-boot-starter", "sitecore-cdp-fake",
			"sitecore-cdp-spring-boot-starter-test");

	/** How Maven logs a transfer from or to a repository (also in batch mode). */
	private static final Pattern TRANSFER = Pattern
		.compile("\\b(Downloading from|Downloaded from|Uploading to|Uploaded to)\\b");

	private static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.9.0";

	private static final Duration RESOLVE_TIMEOUT = Duration.ofMinutes(5);

	private static final Duration RELEASE_BUILD_TIMEOUT = Duration.ofMinutes(10);

	@Test
	void whenTheReleaseProfileIsDeployedWithoutAKeyThenThePublishedModulesAreStagedUnsignedWithoutNetwork(
			@TempDir Path work) throws Exception {
		Path project = work.resolve("project");
		copySources(ReadmeJavaSnippetsTests.DOCS_ROOT, project);
		// gpg's home without any key, private to its owner as gpg wants it.
		Path gnupgHome = Files.createDirectories(work.resolve("gnupg"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Path localRepository = localRepository();
		Map<String, Long> installedBefore = files(localRepository.resolve(GROUP_PATH));

		run(project, gnupgHome, work.resolve("resolve.log"), RESOLVE_TIMEOUT, "-B", "-Prelease",
				"-Dmaven.repo.local=" + localRepository, DEPENDENCY_PLUGIN + ":resolve-plugins");
		Path log = work.resolve("release.log");
		List<String> sentToCentral = new CopyOnWriteArrayList<>();
		HttpServer central = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		central.createContext("/", (exchange) -> {
			sentToCentral.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
			exchange.sendResponseHeaders(503, -1);
			exchange.close();
		});
		central.start();
		try {
			String centralUrl = "http://" + central.getAddress().getHostString() + ":" + central.getAddress().getPort();
			run(project, gnupgHome, log, RELEASE_BUILD_TIMEOUT, "-B", "-Prelease", "-DskipTests",
					"-Dmaven.install.skip=true", "-Dmaven.repo.local=" + localRepository,
					"-DcentralBaseUrl=" + centralUrl, "-DcentralSnapshotsUrl=" + centralUrl + "/snapshots", "deploy");
		}
		finally {
			central.stop(0);
		}

		String version = version(project.resolve("pom.xml"));
		Map<String, Set<String>> staged = staged(project, version, log);
		assertThat(staged.keySet()).as("artifacts staged for Maven Central")
			.containsExactlyInAnyOrderElementsOf(
					PUBLISHED.stream().map((artifactId) -> directory(artifactId, version)).toList());
		for (String artifactId : PUBLISHED) {
			Set<String> files = staged.get(directory(artifactId, version));
			String prefix = artifactId + "-" + version;
			if (artifactId.endsWith("-parent")) {
				assertThat(files).as(artifactId)
					.contains(prefix + ".pom", prefix + "-cyclonedx.json")
					.doesNotContain(prefix + ".jar");
			}
			else {
				assertThat(files).as(artifactId)
					.contains(prefix + ".pom", prefix + ".jar", prefix + "-sources.jar", prefix + "-javadoc.jar",
							prefix + "-cyclonedx.json");
			}
			assertThat(files).as(artifactId + ", signed without a key")
				.noneMatch((file) -> file.endsWith(".asc"));
		}
		assertThat(sentToCentral).as("requests to Central's publishing API").isEmpty();
		assertThat(Files.readAllLines(log)).as("downloads and uploads in the release build's log")
			.noneMatch((line) -> TRANSFER.matcher(line).find());
		assertThat(files(localRepository.resolve(GROUP_PATH))).as("the project's files in the local repository")
			.isEqualTo(installedBefore);
	}

	private static String directory(String artifactId, String version) {
		return GROUP_PATH + "/" + artifactId + "/" + version;
	}

	/** The project's files, without build output ({@code target/}) and without Git's. */
	private static void copySources(Path from, Path to) throws IOException {
		Files.walkFileTree(from, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
					throws IOException {
				String name = directory.getFileName().toString();
				if (!directory.equals(from) && (name.equals("target") || name.equals(".git"))) {
					return FileVisitResult.SKIP_SUBTREE;
				}
				Files.createDirectories(to.resolve(from.relativize(directory).toString()));
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
				if (attributes.isRegularFile()) {
					// COPY_ATTRIBUTES keeps mvnw executable.
					Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
							LinkOption.NOFOLLOW_LINKS);
				}
				return FileVisitResult.CONTINUE;
			}

		});
	}

	/** The running build's local repository (set by the sample's POM), else Maven's default. */
	private static Path localRepository() {
		String configured = System.getProperty("release-build-test.local-repository", "");
		return configured.isBlank() || configured.startsWith("${")
				? Path.of(System.getProperty("user.home"), ".m2", "repository") : Path.of(configured);
	}

	/**
	 * Runs the copy's {@code ./mvnw} with the JDK this test runs on and a {@code GNUPGHOME} without any key;
	 * fails with the end of its output if it fails or outlasts the timeout.
	 */
	private static void run(Path project, Path gnupgHome, Path log, Duration timeout, String... arguments)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(project.resolve("mvnw").toString());
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		Map<String, String> environment = builder.environment();
		environment.put("JAVA_HOME", System.getProperty("java.home"));
		environment.put("GNUPGHOME", gnupgHome.toString());
		environment.remove("MAVEN_GPG_KEY");
		environment.remove("MAVEN_GPG_PASSPHRASE");
		Process process = builder.start();
		if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly().waitFor();
			fail("./mvnw " + String.join(" ", arguments) + " did not finish within " + timeout + ":\n" + tail(log));
		}
		if (process.exitValue() != 0) {
			fail("./mvnw " + String.join(" ", arguments) + " exited with " + process.exitValue() + ":\n" + tail(log));
		}
	}

	private static String tail(Path log) throws IOException {
		List<String> lines = Files.readAllLines(log);
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
	}

	private static String version(Path pom) throws Exception {
		Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
		return XPathFactory.newInstance().newXPath().evaluate("/project/version", document);
	}

	/**
	 * The staged file names by artifact directory: the bundle of a release version
	 * (target/central-publishing/central-bundle.zip), or the directory a {@code -SNAPSHOT} is staged in
	 * (target/central-deferred/), as docs/releasing.md says.
	 */
	private static Map<String, Set<String>> staged(Path project, String version, Path log) throws IOException {
		List<String> paths = new ArrayList<>();
		if (version.endsWith("-SNAPSHOT")) {
			Path deferred = project.resolve("target/central-deferred");
			assertThat(deferred).as("staging directory of a -SNAPSHOT, after:%n%s", tail(log)).isDirectory();
			try (Stream<Path> files = Files.walk(deferred)) {
				files.filter(Files::isRegularFile)
					.forEach((file) -> paths.add(deferred.relativize(file).toString().replace('\\', '/')));
			}
		}
		else {
			Path bundle = project.resolve("target/central-publishing/central-bundle.zip");
			assertThat(bundle).as("bundle of a release version, after:%n%s", tail(log)).isRegularFile();
			try (ZipFile zip = new ZipFile(bundle.toFile())) {
				zip.stream().filter((entry) -> !entry.isDirectory()).forEach((entry) -> paths.add(entry.getName()));
			}
		}
		Map<String, Set<String>> byDirectory = new TreeMap<>();
		for (String path : paths) {
			int slash = path.lastIndexOf('/');
			if (slash > 0) {
				byDirectory.computeIfAbsent(path.substring(0, slash), (key) -> new TreeSet<>())
					.add(path.substring(slash + 1));
			}
		}
		// An artifact is staged as <group path>/<artifactId>/<version>/, with its POM; the other files
		// (an index, metadata) are the staging's own.
		Map<String, Set<String>> staged = new TreeMap<>();
		byDirectory.forEach((directory, names) -> {
			if (names.stream().anyMatch((name) -> name.endsWith(".pom"))) {
				staged.put(directory, names);
			}
		});
		return staged;
	}

	/** Each file under a directory with its modification time; none if there is no such directory. */
	private static Map<String, Long> files(Path directory) throws IOException {
		Map<String, Long> files = new HashMap<>();
		if (Files.isDirectory(directory)) {
			try (Stream<Path> walk = Files.walk(directory)) {
				for (Path file : walk.filter(Files::isRegularFile).toList()) {
					files.put(directory.relativize(file).toString(), Files.getLastModifiedTime(file).toMillis());
				}
			}
		}
		return files;
	}

}

package io.github.sitecorecdp.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.sitecorecdp.fake.FakeBatch;
import io.github.sitecorecdp.fake.FakeBatches;
import io.github.sitecorecdp.fake.FakeBatches.Call;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.fake.HeldCall;
import io.github.sitecorecdp.fake.RecordedCdpRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tried from outside, as a new user would: the import runs in a JVM of its own (the
 * {@link ResumableImportApplication} a user writes from docs/batch-import.md), is killed
 * with SIGKILL, or stopped with SIGTERM, at a chosen point of the protocol, held there by
 * the fake so that the kill lands there on any machine, and the same program started
 * again recovers as the page says. Whatever the point, every record arrives exactly once, in order; no spooled file
 * stays; the storage host never sees a credential.
 */
class BatchImportKillTests {

	/** Guests of the import: about four batch files of at most 2 KB. */
	private static final int RECORDS = 200;

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	Path work;

	/** On the real clock: the child's status-lag and the fake's URL expiry both run on it. */
	private final FakeSitecoreCdp cdp = FakeSitecoreCdp.start();

	private final FakeBatches batches = this.cdp.api().batches();

	@AfterEach
	void stop() {
		this.cdp.close();
	}

	@Test
	void whenKilledWhileTheSecondFileIsInFlightThenTheRestartFindsItNotUploadedAndSendsItOnce() throws Exception {
		// Short-lived URLs: only once its URL expired is "not uploaded" sure, so that is what
		// the restart waits for.
		this.batches.uploadUrlLifetime(Duration.ofSeconds(4));
		HeldCall first = this.batches.holdNext(Call.UPLOAD);
		Path spool = spool();
		try (ImportProcess killed = new ImportProcess(spool, 0)) {
			HeldCall second = passAndHoldTheNext(Call.UPLOAD, first, killed, false);
			killed.kill();
			assertThat(second.awaitClientGone(TIMEOUT)).isTrue();
			second.release();
		}
		assertThat(this.batches.batches()).extracting(FakeBatch::status).containsExactly("success", "uploading");
		assertLeftoverSpoolFile(spool);
		// awaitBatch says "not uploaded" once the URL expired: its records go again.
		restartAndAssertEachRecordImportedOnce(spool, recordsOfBatches(1));
	}

	@Test
	void whenKilledAfterStorageTookTheSecondFileButBeforeItsAnswerThenTheRestartConfirmsItAndSendsNothingTwice()
			throws Exception {
		HeldCall first = this.batches.holdNext(Call.UPLOAD);
		Path spool = spool();
		try (ImportProcess killed = new ImportProcess(spool, 0)) {
			HeldCall second = passAndHoldTheNext(Call.UPLOAD, first, killed, true);
			killed.kill();
			assertThat(second.awaitClientGone(TIMEOUT)).isTrue();
			second.release();
		}
		// The application never heard the upload acknowledged (no uploaded() call), yet the
		// file is Sitecore's: only the ref kept at announcing() finds it again.
		assertThat(this.cdp.fileHost().requests()).extracting(RecordedCdpRequest::status)
			.containsExactly(200, HeldCall.CLIENT_GONE);
		assertThat(this.batches.batches()).extracting(FakeBatch::status).containsExactly("success", "processing");
		assertLeftoverSpoolFile(spool);
		restartAndAssertEachRecordImportedOnce(spool, recordsOfBatches(2));
	}

	@Test
	void whenKilledAfterTheUploadWasAcknowledgedWhileTheStatusIsNotFinalThenTheRestartConfirmsItWithAwaitBatch()
			throws Exception {
		HeldCall first = this.batches.holdNext(Call.UPLOAD);
		Path spool = spool();
		try (ImportProcess killed = new ImportProcess(spool, 0)) {
			HeldCall second = passAndHoldTheNext(Call.UPLOAD, first, killed, false);
			HeldCall poll = this.batches.holdNext(Call.STATUS);
			second.release();
			assertThat(poll.awaitArrival(TIMEOUT)).as(killed.output()).isTrue();
			killed.kill();
			assertThat(poll.awaitClientGone(TIMEOUT)).isTrue();
			poll.release();
		}
		assertThat(this.cdp.fileHost().requests()).extracting(RecordedCdpRequest::status).containsExactly(200, 200);
		assertLeftoverSpoolFile(spool);
		restartAndAssertEachRecordImportedOnce(spool, recordsOfBatches(2));
	}

	@Test
	void whenKilledAfterSitecoreCreatedTheSecondBatchButBeforeItsAnswerThenTheRestartFindsItNotUploadedAndSendsItOnce()
			throws Exception {
		this.batches.uploadUrlLifetime(Duration.ofSeconds(4));
		HeldCall first = this.batches.holdNext(Call.ANNOUNCE);
		Path spool = spool();
		try (ImportProcess killed = new ImportProcess(spool, 0)) {
			HeldCall second = passAndHoldTheNext(Call.ANNOUNCE, first, killed, true);
			killed.kill();
			assertThat(second.awaitClientGone(TIMEOUT)).isTrue();
			second.release();
		}
		// A batch the application never heard of but for the ref it kept at announcing().
		assertThat(this.batches.batches()).extracting(FakeBatch::status).containsExactly("success", "uploading");
		assertThat(this.cdp.fileHost().requests()).hasSize(1);
		assertLeftoverSpoolFile(spool);
		restartAndAssertEachRecordImportedOnce(spool, recordsOfBatches(1));
	}

	@Test
	void whenKilledBetweenTwoBatchesThenTheRestartGoesOnAfterTheLastSuccess() throws Exception {
		Path spool = spool();
		try (ImportProcess killed = new ImportProcess(spool, 2)) {
			killed.awaitPrinted("PAUSED");
			killed.kill();
		}
		assertThat(this.batches.batches()).extracting(FakeBatch::status).containsExactly("success");
		assertLeftoverSpoolFile(spool);
		restartAndAssertEachRecordImportedOnce(spool, recordsOfBatches(1));
	}

	@Test
	void whenStoppedWhileTheSecondFileIsInFlightThenTheShutdownDoesNotWaitForItAndTheRestartSendsItOnce()
			throws Exception {
		this.batches.uploadUrlLifetime(Duration.ofSeconds(4));
		HeldCall first = this.batches.holdNext(Call.UPLOAD);
		Path spool = spool();
		try (ImportProcess stopped = new ImportProcess(spool, 0)) {
			HeldCall second = passAndHoldTheNext(Call.UPLOAD, first, stopped, false);
			stopped.stop();
			// The held call is still held: the stop ended the JVM, not the call.
			assertThat(second.awaitClientGone(TIMEOUT)).isTrue();
			second.release();
		}
		assertThat(this.batches.batches()).extracting(FakeBatch::status).containsExactly("success", "uploading");
		assertLeftoverSpoolFile(spool);
		restartAndAssertEachRecordImportedOnce(spool, recordsOfBatches(1));
	}

	@Test
	void whenStoppedAfterTheUploadWasAcknowledgedWhileTheStatusIsNotFinalThenTheRestartConfirmsItWithAwaitBatch()
			throws Exception {
		HeldCall first = this.batches.holdNext(Call.UPLOAD);
		Path spool = spool();
		try (ImportProcess stopped = new ImportProcess(spool, 0)) {
			HeldCall second = passAndHoldTheNext(Call.UPLOAD, first, stopped, false);
			HeldCall poll = this.batches.holdNext(Call.STATUS);
			second.release();
			assertThat(poll.awaitArrival(TIMEOUT)).as(stopped.output()).isTrue();
			stopped.stop();
			assertThat(poll.awaitClientGone(TIMEOUT)).isTrue();
			poll.release();
		}
		assertThat(this.cdp.fileHost().requests()).extracting(RecordedCdpRequest::status).containsExactly(200, 200);
		assertThat(this.batches.batches()).extracting(FakeBatch::status).containsExactly("success", "processing");
		assertLeftoverSpoolFile(spool);
		restartAndAssertEachRecordImportedOnce(spool, recordsOfBatches(2));
	}

	/**
	 * Let the held call go and hold the next one of its kind, before or after the fake acts
	 * on it: queued while the first is held, so that it is the very next.
	 */
	private HeldCall passAndHoldTheNext(Call call, HeldCall held, ImportProcess importing, boolean afterActing)
			throws InterruptedException {
		assertThat(held.awaitArrival(TIMEOUT)).as(importing.output()).isTrue();
		HeldCall next = afterActing ? this.batches.holdNextAfterActing(call) : this.batches.holdNext(call);
		held.release();
		assertThat(next.awaitArrival(TIMEOUT)).as(importing.output()).isTrue();
		return next;
	}

	/**
	 * Start the application again, as after the kill, and see it resume where the
	 * recovery says, and end with every record imported once.
	 * @param resumeAt the number of the first guest the recovery must send
	 */
	private void restartAndAssertEachRecordImportedOnce(Path spool, long resumeAt) throws Exception {
		try (ImportProcess restarted = new ImportProcess(spool, 0)) {
			assertThat(restarted.awaitExit()).as(restarted.output()).isZero();
			assertThat(restarted.output()).contains("RESUMING AT " + resumeAt + "\n").contains("\nIMPORTED");
		}
		// Batches after the killed one: the restart went on, not only finished what was cut.
		assertThat(this.batches.batches()).filteredOn((batch) -> batch.status().equals("success"))
			.hasSizeGreaterThanOrEqualTo(3);
		assertThat(this.batches.importedRecordRefs())
			.containsExactlyElementsOf(IntStream.range(0, RECORDS)
				.mapToObj((n) -> ResumableImportApplication.ref(n).toString())
				.toList());
		assertThat(spool).isEmptyDirectory();
		String basic = Base64.getEncoder()
			.encodeToString((FakeBatches.CLIENT_KEY + ":" + FakeBatches.API_TOKEN).getBytes(StandardCharsets.UTF_8));
		assertThat(this.cdp.fileHost().requests()).isNotEmpty().allSatisfy((request) -> {
			assertThat(request.header("Authorization")).isNull();
			assertThat(request.uri() + request.headers()).doesNotContain(FakeBatches.API_TOKEN)
				.doesNotContain(FakeBatches.CLIENT_KEY)
				.doesNotContain(basic);
		});
	}

	/** How many records the first batches held, as the fake counted them on upload. */
	private long recordsOfBatches(int count) {
		long records = this.batches.batches().stream().limit(count).mapToLong(FakeBatch::records).sum();
		assertThat(records).isPositive();
		return records;
	}

	private Path spool() throws IOException {
		return Files.createDirectories(this.work.resolve("spool"));
	}

	/**
	 * Neither a SIGKILL nor a SIGTERM lets the import's own cleanup run: its file, with
	 * personal data, stays.
	 */
	private static void assertLeftoverSpoolFile(Path spool) throws IOException {
		try (Stream<Path> files = Files.list(spool)) {
			assertThat(files.toList()).singleElement()
				.satisfies((file) -> assertThat(Files.size(file)).isPositive());
		}
	}

	/**
	 * The application in a JVM of its own, on the tests' class path, pointed at the fake
	 * with the properties the fake gives and its journal in the test's directory.
	 */
	private final class ImportProcess implements AutoCloseable {

		private final Process process;

		private final List<String> output = new CopyOnWriteArrayList<>();

		private final CountDownLatch outputEnded = new CountDownLatch(1);

		ImportProcess(Path spool, int pauseBeforeFile) throws IOException {
			List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					// Quick to start and small: two JVMs per test on a shared machine.
					"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-cp", System.getProperty("java.class.path"),
					ResumableImportApplication.class.getName()));
			BatchImportKillTests.this.cdp.properties().forEach((name, value) -> command.add("--" + name + "=" + value));
			command.addAll(List.of("--sitecore.cdp.batch.spool-directory=" + spool,
					"--sitecore.cdp.batch.max-file-size=2KB", "--sitecore.cdp.batch.max-wait=20s",
					"--sitecore.cdp.batch.status-lag=1s", "--import.records=" + RECORDS,
					"--import.journal=" + BatchImportKillTests.this.work.resolve("journal.txt"),
					"--import.pause-before-file=" + pauseBeforeFile));
			this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
			Thread reader = new Thread(this::readOutput, "import-process-output");
			reader.setDaemon(true);
			reader.start();
		}

		void awaitPrinted(String line) throws InterruptedException {
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			while (!this.output.contains(line)) {
				assertThat(System.nanoTime() < deadline && this.process.isAlive()).as(output()).isTrue();
				Thread.sleep(20);
			}
		}

		/**
		 * SIGTERM: the JVM runs its shutdown hooks (Spring Boot's closes the context) and
		 * ends without waiting for the importing thread, held in a call, so no finally
		 * block of the import runs either. The stop must not hang on that call.
		 */
		void stop() throws InterruptedException {
			// SIGTERM, as Process.destroy() sends, but through the handle: Process.destroy()
			// also closes the output stream, and the lines of the shutdown would be lost.
			assertThat(this.process.toHandle().destroy()).isTrue();
			assertThat(this.process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as(output()).isTrue();
			this.outputEnded.await(5, TimeUnit.SECONDS);
			// 128 + 15: ended by the signal, through the JVM's orderly shutdown.
			assertThat(this.process.exitValue()).as(output()).isEqualTo(143);
			assertThat(output()).as("Spring Boot's shutdown hook closed the context").contains("CONTEXT CLOSED");
		}

		/** SIGKILL: no shutdown hook, no finally block of the process runs. */
		void kill() throws InterruptedException {
			this.process.destroyForcibly();
			assertThat(this.process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		}

		int awaitExit() throws InterruptedException {
			assertThat(this.process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as(output()).isTrue();
			this.outputEnded.await(5, TimeUnit.SECONDS);
			return this.process.exitValue();
		}

		String output() {
			return String.join("\n", this.output);
		}

		@Override
		public void close() throws InterruptedException {
			if (this.process.isAlive()) {
				kill();
			}
		}

		private void readOutput() {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = reader.readLine(); line != null; line = reader.readLine()) {
					this.output.add(line);
				}
			}
			catch (IOException ex) {
				this.output.add("(output unreadable: " + ex + ")");
			}
			finally {
				this.outputEnded.countDown();
			}
		}

	}

}

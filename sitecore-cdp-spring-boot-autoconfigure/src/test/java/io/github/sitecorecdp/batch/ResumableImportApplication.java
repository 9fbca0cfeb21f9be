package io.github.sitecorecdp.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.Environment;

/**
 * The application {@link BatchImportKillTests} kills or stops, run in a JVM of its own: a program
 * as a user writes it from docs/batch-import.md, "Recovering without sending anything
 * twice". It imports guests {@code 0} to {@code import.records - 1}, each with a ref of
 * its own derived from its number (a v3 UUID, as Sitecore's format page asks), so that a
 * ref names a row again after a restart; it keeps what the listener tells in a journal,
 * durably, before the import goes on; and at start it recovers from that journal before
 * importing the rest.
 *
 * <p>
 * Its own properties: {@code import.journal} (the journal file), {@code import.records}
 * (how many guests) and {@code import.pause-before-file} (a test's way to stop it between
 * two batches: at that file, written but not yet announced, it says {@code PAUSED} and
 * waits to be killed). It prints {@code RESUMING AT n} after recovery, {@code IMPORTED}
 * at the end and {@code CONTEXT CLOSED} when its context closes, as at a SIGTERM.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration(SitecoreCdpAutoConfiguration.class)
public class ResumableImportApplication {

	/** Exit code when a batch is still unconfirmed after recovery: ask again later. */
	static final int STILL_UNCONFIRMED = 3;

	/** Exit code when a batch failed: its records need fixing (step 2 of the recovery). */
	static final int FAILED = 4;

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(ResumableImportApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		int exit;
		try (ConfigurableApplicationContext context = application.run(args)) {
			exit = run(context);
		}
		System.exit(exit);
	}

	private static int run(ConfigurableApplicationContext context) {
		Environment environment = context.getEnvironment();
		BatchImportClient batches = context.getBean(BatchImportClient.class);
		Journal journal = context.getBean(Journal.class);
		int count = environment.getRequiredProperty("import.records", Integer.class);
		deleteLeftoverSpoolFiles(Path.of(environment.getRequiredProperty("sitecore.cdp.batch.spool-directory")));
		int next;
		try {
			next = journal.recover(batches);
		}
		catch (BatchImportException ex) {
			System.out.println("RECOVERY STOPPED: " + ex.getMessage());
			return (ex.unconfirmed() != null) ? STILL_UNCONFIRMED : FAILED;
		}
		System.out.println("RESUMING AT " + next);
		try {
			batches.importRecords(IntStream.range(next, count).mapToObj(ResumableImportApplication::guest));
		}
		catch (BatchImportException ex) {
			System.out.println("IMPORT STOPPED: " + ex.getMessage());
			return FAILED;
		}
		System.out.println("IMPORTED");
		return 0;
	}

	/** Guest number {@code n} of the source, with the ref that names it. */
	static BatchRecord guest(int n) {
		return BatchRecord.of(ref(n), BatchSchema.GUEST, BatchMode.UPSERT,
				"{\"email\":\"guest-" + n + "@example.com\",\"firstName\":\"Guest " + n + "\"}");
	}

	static UUID ref(int n) {
		return UUID.nameUUIDFromBytes(("kill-test-guest-" + n).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * A killed process leaves its spooled file, with personal data, behind: nothing in it
	 * runs at a SIGKILL. The spool directory is this application's own, and no import runs
	 * before this, so every batch file in it is a leftover.
	 */
	private static void deleteLeftoverSpoolFiles(Path spool) {
		try (DirectoryStream<Path> files = Files.newDirectoryStream(spool, "batch-*.jsonl.gz")) {
			for (Path file : files) {
				Files.delete(file);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Says when the context closes: after a SIGTERM, that Spring Boot's shutdown hook ran
	 * while the import was still held in a call.
	 */
	@Bean
	ApplicationListener<ContextClosedEvent> contextClosedNotice() {
		return (event) -> System.out.println("CONTEXT CLOSED");
	}

	@Bean
	Journal journal(Environment environment) {
		return new Journal(Path.of(environment.getRequiredProperty("import.journal")),
				environment.getProperty("import.pause-before-file", Integer.class, 0));
	}

	/**
	 * Keeps, durably and before the import goes on, what docs/batch-import.md says to
	 * keep: each batch's ref as it is announced, with its records' count, size and first
	 * and last refs, and each batch's outcome.
	 */
	static final class Journal implements BatchImportListener {

		private final Path file;

		private final int pauseBeforeFile;

		private final AtomicInteger filesWritten = new AtomicInteger();

		Journal(Path file, int pauseBeforeFile) {
			this.file = file;
			this.pauseBeforeFile = pauseBeforeFile;
		}

		@Override
		public void fileWritten(BatchFile file) {
			if (this.filesWritten.incrementAndGet() == this.pauseBeforeFile) {
				System.out.println("PAUSED");
				try {
					Thread.sleep(Long.MAX_VALUE);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

		@Override
		public void announcing(UUID batchRef, BatchFile file) {
			append("announcing " + batchRef + " " + file.records() + " " + file.size() + " " + file.firstRef() + " "
					+ file.lastRef());
		}

		@Override
		public void finished(BatchResult result) {
			append("finished " + result.batchRef() + " " + result.status() + " " + result.lastRecordRef());
		}

		/**
		 * Steps 1, 3 and 4 of the recovery: go on after the last record of the last batch
		 * that succeeded; a batch announced with no outcome heard is asked for with
		 * {@code awaitBatch}, never sent again before it says it did not succeed.
		 * @return the number of the first guest to import
		 */
		int recover(BatchImportClient batches) {
			UUID lastImported = null;
			String[] pending = null;
			for (String line : lines()) {
				String[] words = line.split(" ");
				if (words[0].equals("announcing")) {
					pending = words;
				}
				else if (pending != null && words[1].equals(pending[1])) {
					pending = null;
					if (words[2].equals(BatchStatus.SUCCESS.name())) {
						lastImported = UUID.fromString(words[3]);
					}
				}
			}
			if (pending != null) {
				UnconfirmedBatch unconfirmed = UnconfirmedBatch.of(UUID.fromString(pending[1]),
						Long.parseLong(pending[2]), Long.parseLong(pending[3]), UUID.fromString(pending[4]),
						UUID.fromString(pending[5]));
				try {
					// Its finished() is heard and journaled like an import's.
					lastImported = batches.awaitBatch(unconfirmed).lastRecordRef();
				}
				catch (BatchImportException ex) {
					if (ex.failed() == null || ex.failed().status() != BatchStatus.NOT_UPLOADED) {
						throw ex;
					}
					// Its file never reached storage: its records go again, after the last success.
				}
			}
			return (lastImported != null) ? guestNumber(lastImported) + 1 : 0;
		}

		private static int guestNumber(UUID ref) {
			for (int n = 0;; n++) {
				if (ref(n).equals(ref)) {
					return n;
				}
			}
		}

		private List<String> lines() {
			try {
				return Files.exists(this.file) ? Files.readAllLines(this.file) : List.of();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private void append(String line) {
			try {
				// DSYNC: on disk before the import goes on, so a kill right after loses nothing.
				Files.writeString(this.file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
						StandardOpenOption.APPEND, StandardOpenOption.DSYNC);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}

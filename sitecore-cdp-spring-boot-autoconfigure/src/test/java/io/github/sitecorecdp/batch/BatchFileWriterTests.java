package io.github.sitecorecdp.batch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Records into gzip JSON-lines files under the size limit, with size and MD5 computed on
 * the way.
 */
class BatchFileWriterTests {

	@TempDir
	Path directory;

	@Test
	void whenRecordsFitInOneFileThenItHoldsTheirLinesWithItsOwnSizeAndMd5() throws Exception {
		List<BatchRecord> records = guests(100);
		BatchFileWriter writer = new BatchFileWriter(records.iterator(), this.directory, BatchFileWriter.MAX_FILE_SIZE);
		BatchFile file = writer.next();
		assertThat(writer.next()).isNull();
		assertThat(file.records()).isEqualTo(100);
		assertThat(file.firstRef()).isEqualTo(records.get(0).ref());
		assertThat(file.lastRef()).isEqualTo(records.get(99).ref());
		byte[] bytes = Files.readAllBytes(file.path());
		assertThat(file.size()).isEqualTo(bytes.length);
		assertThat(file.md5()).isEqualTo(MessageDigest.getInstance("MD5").digest(bytes));
		assertThat(lines(file.path())).containsExactlyElementsOf(records.stream().map(BatchRecord::toJsonLine).toList());
	}

	@Test
	void whenRecordsExceedTheLimitThenTheyAreSplitIntoFilesEachWithinItInOrder() throws IOException {
		long limit = 20 * 1024;
		List<BatchRecord> records = guests(2000);
		BatchFileWriter writer = new BatchFileWriter(records.iterator(), this.directory, limit);
		List<String> lines = new ArrayList<>();
		long total = 0;
		int files = 0;
		for (BatchFile file = writer.next(); file != null; file = writer.next()) {
			files++;
			assertThat(file.size()).isLessThanOrEqualTo(limit).isEqualTo(Files.size(file.path()));
			List<String> fileLines = lines(file.path());
			assertThat(fileLines).hasSize((int) file.records());
			lines.addAll(fileLines);
			total += file.records();
		}
		assertThat(files).isGreaterThan(3);
		assertThat(total).isEqualTo(2000);
		assertThat(lines).containsExactlyElementsOf(records.stream().map(BatchRecord::toJsonLine).toList());
	}

	@Test
	void whenFilesAreWrittenThenRecordsArePulledOnlyAsTheyAreWritten() {
		AtomicInteger pulled = new AtomicInteger();
		Iterator<BatchRecord> records = IntStream.range(0, 10_000).mapToObj((i) -> {
			pulled.incrementAndGet();
			return guest(i);
		}).iterator();
		BatchFile first = new BatchFileWriter(records, this.directory, 16 * 1024).next();
		// The records of the first file and the one that did not fit, no more.
		assertThat(pulled).hasValue((int) first.records() + 1);
	}

	@Test
	void whenOneRecordAloneIsTooLargeThenItIsRefusedByRefAndNoFileStays() throws IOException {
		// Random text: the limit is on the compressed size.
		StringBuilder random = new StringBuilder();
		for (int i = 0; i < 2000; i++) {
			random.append(UUID.randomUUID());
		}
		BatchRecord huge = BatchRecord.guest(BatchMode.INSERT, "{\"notes\":\"" + random + "\"}");
		BatchFileWriter writer = new BatchFileWriter(List.of(huge).iterator(), this.directory, 16 * 1024);
		assertThatIllegalArgumentException().isThrownBy(writer::next)
			.withMessageContaining(huge.ref().toString())
			.withMessageContaining("too large");
		try (var left = Files.list(this.directory)) {
			assertThat(left).isEmpty();
		}
	}

	@Test
	void whenOneRecordIsLargerThanTheLimitButCompressesBelowItThenItIsWritten() throws IOException {
		// The limit is Sitecore's on the gzip file, not on the JSON inside it.
		BatchRecord large = BatchRecord.guest(BatchMode.INSERT, "{\"notes\":\"" + "a".repeat(2_000_000) + "\"}");
		BatchFileWriter writer = new BatchFileWriter(List.of(large, guest(1)).iterator(), this.directory, 1024 * 1024);
		BatchFile file = writer.next();
		assertThat(file.records()).isEqualTo(2);
		assertThat(file.size()).isLessThanOrEqualTo(1024 * 1024).isEqualTo(Files.size(file.path()));
		assertThat(lines(file.path())).hasSize(2).first().isEqualTo(large.toJsonLine());
	}

	@Test
	void whenAFileIsSpooledThenOnlyTheApplicationsUserCanReadIt() throws IOException {
		BatchFile file = new BatchFileWriter(guests(3).iterator(), this.directory, 1024 * 1024).next();
		assertThat(Files.getPosixFilePermissions(file.path())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
	}

	@Test
	void whenNoRecordsAreGivenThenNoFileIsWritten() throws IOException {
		assertThat(new BatchFileWriter(List.<BatchRecord>of().iterator(), this.directory, 1024).next()).isNull();
		try (var left = Files.list(this.directory)) {
			assertThat(left).isEmpty();
		}
	}

	private static List<BatchRecord> guests(int count) {
		return IntStream.range(0, count).mapToObj(BatchFileWriterTests::guest).toList();
	}

	/** Random parts, so that the lines do not compress to nothing. */
	private static BatchRecord guest(int n) {
		return BatchRecord.guest(BatchMode.UPSERT, "{\"email\":\"guest" + n + "@example.com\",\"token\":\""
				+ UUID.randomUUID() + UUID.randomUUID() + "\"}");
	}

	private static List<String> lines(Path file) throws IOException {
		try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
			String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			return text.isEmpty() ? List.of() : List.of(text.split("\n"));
		}
	}

}

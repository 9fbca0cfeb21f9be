package io.github.sitecorecdp.autoconfigure;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.sitecorecdp.batch.BatchImportListener;
import io.github.sitecorecdp.batch.BatchStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Every listener hears the progress, whatever another one throws.
 */
class CompositeBatchImportListenerTests {

	@Test
	void whenAListenerThrowsACheckedExceptionThenTheNextStillHearsAndNothingEscapes() {
		List<BatchStatus> heard = new CopyOnWriteArrayList<>();
		BatchImportListener throwing = new BatchImportListener() {

			@Override
			public void statusChanged(UUID batchRef, BatchStatus status) {
				throw CompositeBatchImportListenerTests.<RuntimeException>sneaky(new Exception("checked"));
			}

		};
		BatchImportListener recording = new BatchImportListener() {

			@Override
			public void statusChanged(UUID batchRef, BatchStatus status) {
				heard.add(status);
			}

		};
		CompositeBatchImportListener composite = new CompositeBatchImportListener(List.of(throwing, recording));
		assertThatNoException().isThrownBy(() -> composite.statusChanged(UUID.randomUUID(), BatchStatus.SUCCESS));
		assertThat(heard).containsExactly(BatchStatus.SUCCESS);
	}

	@SuppressWarnings("unchecked")
	private static <T extends Throwable> T sneaky(Throwable ex) throws T {
		throw (T) ex;
	}

}

package io.github.sitecorecdp.autoconfigure;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import io.github.sitecorecdp.batch.BatchFile;
import io.github.sitecorecdp.batch.BatchImportListener;
import io.github.sitecorecdp.batch.BatchResult;
import io.github.sitecorecdp.batch.BatchStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Tells every {@link BatchImportListener} bean; one that throws, even a checked exception,
 * is logged and never ends the import, whose progress it only hears.
 *
 * @author sitecore-cdp-spring-boot
 */
final class CompositeBatchImportListener implements BatchImportListener {

	private static final Log logger = LogFactory.getLog(CompositeBatchImportListener.class);

	private final List<BatchImportListener> listeners;

	CompositeBatchImportListener(List<BatchImportListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public void fileWritten(BatchFile file) {
		each((listener) -> listener.fileWritten(file));
	}

	@Override
	public void announcing(UUID batchRef, BatchFile file) {
		each((listener) -> listener.announcing(batchRef, file));
	}

	@Override
	public void uploaded(UUID batchRef, BatchFile file) {
		each((listener) -> listener.uploaded(batchRef, file));
	}

	@Override
	public void statusChanged(UUID batchRef, BatchStatus status) {
		each((listener) -> listener.statusChanged(batchRef, status));
	}

	@Override
	public void finished(BatchResult result) {
		each((listener) -> listener.finished(result));
	}

	private void each(Consumer<BatchImportListener> call) {
		for (BatchImportListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (Throwable ex) {
				// Checked exceptions too (Kotlin, @SneakyThrows): a listener only hears the
				// progress, and no failure of its may change an outcome.
				if (ex instanceof VirtualMachineError error) {
					throw error;
				}
				logger.warn("A BatchImportListener failed: " + ex);
			}
		}
	}

}

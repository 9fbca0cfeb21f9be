package io.github.sitecorecdp.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.sitecorecdp.retry.RetryListener;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Every retry listener hears each retry and give-up, whatever another one throws.
 */
class CompositeRetryListenerTests {

	@Test
	void whenAListenerThrowsACheckedExceptionThenTheNextStillHearsAndNothingEscapes() {
		List<String> heard = new CopyOnWriteArrayList<>();
		RetryListener throwing = new RetryListener() {

			@Override
			public void retrying(String call, long retry, Throwable failure) {
				throw CompositeRetryListenerTests.<RuntimeException>sneaky(new Exception("checked"));
			}

			@Override
			public void gaveUp(String call, long attempts, Throwable failure) {
				throw new IllegalStateException("unchecked");
			}

		};
		RetryListener recording = new RetryListener() {

			@Override
			public void retrying(String call, long retry, Throwable failure) {
				heard.add("retrying " + call + " " + retry);
			}

			@Override
			public void gaveUp(String call, long attempts, Throwable failure) {
				heard.add("gave up " + call + " " + attempts);
			}

		};
		CompositeRetryListener composite = new CompositeRetryListener(List.of(throwing, recording));
		assertThatNoException().isThrownBy(() -> {
			composite.retrying("batch.upload", 1, new RuntimeException("503"));
			composite.gaveUp("batch.upload", 3, new RuntimeException("503"));
		});
		assertThat(heard).containsExactly("retrying batch.upload 1", "gave up batch.upload 3");
	}

	@SuppressWarnings("unchecked")
	private static <T extends Throwable> T sneaky(Throwable ex) throws T {
		throw (T) ex;
	}

}

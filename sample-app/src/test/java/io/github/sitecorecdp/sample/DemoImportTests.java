package io.github.sitecorecdp.sample;

import io.github.sitecorecdp.fake.FakeBatch;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's import command, offline on the fake.
 */
@SpringBootTest(args = "--import")
@ExtendWith(OutputCaptureExtension.class)
class DemoImportTests {

	@Autowired
	FakeSitecoreCdp fake;

	@Test
	void whenRunWithImportThenTheDemoRecordsArriveInOneSuccessfulBatch(CapturedOutput output) {
		assertThat(output).contains("Importing 3000 demo guests and 1000 orders")
			.contains("Imported 4000 records in 1 batches");
		assertThat(this.fake.api().batches().batches()).singleElement().satisfies((FakeBatch batch) -> {
			assertThat(batch.status()).isEqualTo("success");
			assertThat(batch.records()).isEqualTo(4000);
			assertThat(batch.failedRecords()).isEmpty();
		});
	}

}

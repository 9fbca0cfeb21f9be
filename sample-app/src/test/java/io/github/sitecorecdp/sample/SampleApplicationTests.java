package io.github.sitecorecdp.sample;

import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the sample's job as it runs from the README: no credentials, so against the
 * in-process fake with demo data.
 */
@SpringBootTest
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTests {

	@Autowired
	FakeSitecoreCdp fake;

	@Test
	void whenRunWithoutCredentialsThenItSummarisesTheDemoExportFromTheFake(CapturedOutput output) {
		assertThat(output).contains("running against an in-process FAKE Sitecore CDP")
			.contains("Export demo-execution-0001: 3 files")
			.contains("Reading file 3/3")
			.contains("... 2000 guests read")
			.contains("Summary: 2000 guests added, 150 removed, 3 files")
			.contains("First guests:")
			.contains("+ {\"guestRef\":\"00000000-0000-4000-8000-000000000001\"")
			.contains("- {\"guestRef\":\"00000000-0000-4000-8000-000000005001\"");
		assertThat(this.fake.tokenRequestCount()).isEqualTo(1);
		assertThat(this.fake.fileRequestCount()).isEqualTo(3);
	}

}

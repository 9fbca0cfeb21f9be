package io.github.sitecorecdp.sample;

import java.util.List;

import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.fake.RecordedCdpRequest;
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
		assertThat(this.fake.fileRequestCount()).isEqualTo(3);
	}

	@Test
	void whenRunWithoutCredentialsThenItListsFlowDefinitionsWithTheSecondKeysOwnToken(CapturedOutput output) {
		assertThat(output).contains("Personalize flow definitions (registration personalize): 3")
			.contains("Homepage hero")
			.contains("DRAFT");
		// One token per API key, each used by its own calls only.
		assertThat(this.fake.tokenEndpoint().requests()).extracting((request) -> request.form().get("client_id"))
			.containsExactlyInAnyOrder(FakeSitecoreCdp.API_KEY, FakeSitecoreCdp.PERSONALIZE_API_KEY);
		List<String> tokens = this.fake.tokenEndpoint().issuedTokens();
		assertThat(this.fake.api().requests()).filteredOn((request) -> request.path().equals("/v3/flowDefinitions"))
			.singleElement()
			.extracting(RecordedCdpRequest::bearerToken)
			.isIn(tokens)
			.isNotEqualTo(this.fake.api()
				.requests()
				.stream()
				.filter((request) -> request.path().startsWith("/v2/audienceExports"))
				.findFirst()
				.orElseThrow()
				.bearerToken());
	}

}

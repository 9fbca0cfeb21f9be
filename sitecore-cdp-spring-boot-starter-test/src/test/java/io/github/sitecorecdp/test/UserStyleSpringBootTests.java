package io.github.sitecorecdp.test;

import java.time.Duration;
import java.util.List;

import io.github.sitecorecdp.audience.AudienceExportClient;
import io.github.sitecorecdp.audience.ExportRecord;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user's test looks like: one annotation, then inject the client and the fake.
 */
@SpringBootTest
@AutoConfigureFakeSitecoreCdp
class UserStyleSpringBootTests {

	@Autowired
	AudienceExportClient audienceExports;

	@Autowired
	FakeSitecoreCdp cdp;

	@Test
	void whenAnnotatedThenTheClientTalksToTheFake() {
		this.cdp.audienceExport("newsletter").addJob("exec-42").addFile("add", List.of("{\"email\":\"a@example.com\"}"));
		List<ExportRecord> guests = this.audienceExports.latestExport("newsletter")
			.flatMapMany(this.audienceExports::download)
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(guests).extracting(ExportRecord::json).containsExactly("{\"email\":\"a@example.com\"}");
		assertThat(this.cdp.apiRequestCount()).isEqualTo(1);
		assertThat(this.cdp.fileRequestCount()).isEqualTo(1);
	}

	@Test
	void whenATestStartsThenTheJournalOfEarlierTestsIsGone() {
		this.cdp.audienceExport("other").addJob("exec-1");
		this.audienceExports.latestExport("other").block(Duration.ofSeconds(10));
		assertThat(this.cdp.apiRequestCount()).isEqualTo(1);
	}

	@SpringBootApplication
	static class UserApplication {

	}

}

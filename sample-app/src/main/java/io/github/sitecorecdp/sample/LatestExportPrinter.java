package io.github.sitecorecdp.sample;

import java.io.PrintStream;
import java.time.Duration;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The sample's job: fetch the latest export of the configured audience with
 * {@code cdpWebClient} and print it. The token request, caching and the 401 replay all
 * happen inside the client.
 *
 * @author sitecore-cdp-spring-boot
 */
@Component
class LatestExportPrinter implements ApplicationRunner {

	private final WebClient cdpWebClient;

	private final SampleProperties properties;

	private final PrintStream out;

	LatestExportPrinter(@Qualifier("cdpWebClient") WebClient cdpWebClient, SampleProperties properties) {
		this.cdpWebClient = cdpWebClient;
		this.properties = properties;
		this.out = System.out;
	}

	@Override
	public void run(ApplicationArguments args) {
		String ref = this.properties.getAudienceExportRef();
		String latestExport = this.cdpWebClient.get()
			.uri("/v2/audienceExports/definitions/{ref}/latestExport", ref)
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofMinutes(1));
		this.out.println("Latest export of audience " + ref + ":");
		this.out.println(latestExport);
	}

}

package io.github.sitecorecdp.sample;

import java.io.PrintStream;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.sitecorecdp.batch.BatchImportClient;
import io.github.sitecorecdp.batch.BatchImportException;
import io.github.sitecorecdp.batch.BatchImportResult;
import io.github.sitecorecdp.batch.BatchMode;
import io.github.sitecorecdp.batch.BatchRecord;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The sample's import command ({@code --import}): 3,000 demo guests and 1,000 orders
 * through the Batch API, with the tenant's client key and API token
 * ({@code sitecore.cdp.basic-auth.*}), or offline on the fake.
 *
 * @author sitecore-cdp-spring-boot
 */
@Component
@Profile("!" + SampleApplication.SERVE)
@Order(3)
class DemoImport implements ApplicationRunner, ExitCodeGenerator {

	private final ObjectProvider<BatchImportClient> batches;

	private final PrintStream out = System.out;

	private volatile int exitCode;

	DemoImport(ObjectProvider<BatchImportClient> batches) {
		this.batches = batches;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (!args.containsOption("import")) {
			return;
		}
		BatchImportClient client = this.batches.getIfAvailable();
		if (client == null) {
			System.err.println("The import needs sitecore.cdp.basic-auth.client-key and api-token "
					+ "(SITECORE_CDP_BASIC_AUTH_CLIENT_KEY, SITECORE_CDP_BASIC_AUTH_API_TOKEN).");
			this.exitCode = 1;
			return;
		}
		this.out.println("Importing 3000 demo guests and 1000 orders through the Batch API ...");
		try {
			BatchImportResult result = client.importRecords(Stream.concat(guests(), orders()));
			result.batches()
				.forEach((batch) -> this.out.printf(Locale.ROOT, "  batch %s: %s, %d records, %d KB%n", batch.batchRef(),
						batch.status().name().toLowerCase(Locale.ROOT), batch.records(), batch.size() / 1024));
			this.out.printf(Locale.ROOT, "Imported %d records in %d batches%n", result.records(), result.batches().size());
		}
		catch (BatchImportException ex) {
			System.err.println("The import stopped: " + ex.getMessage());
			this.exitCode = 1;
		}
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

	private static Stream<BatchRecord> guests() {
		return IntStream.rangeClosed(1, 3000)
			.mapToObj((n) -> BatchRecord.guest(BatchMode.UPSERT, String.format(Locale.ROOT,
					"{\"email\":\"demo.guest%d@example.com\",\"firstName\":\"Demo\",\"lastName\":\"Guest %d\","
							+ "\"type\":\"customer\"}",
					n, n)));
	}

	private static Stream<BatchRecord> orders() {
		return IntStream.rangeClosed(1, 1000)
			.mapToObj((n) -> BatchRecord.order(BatchMode.UPSERT, String.format(Locale.ROOT,
					"{\"referenceId\":\"DEMO-%05d\",\"currencyCode\":\"EUR\",\"price\":%d.%02d,"
							+ "\"guest\":{\"email\":\"demo.guest%d@example.com\"}}",
					n, 10 + n % 90, n % 100, 1 + n % 3000)));
	}

}

package io.github.sitecorecdp.sample;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.sitecorecdp.api.CdpApiException;
import io.github.sitecorecdp.api.CdpNotFoundException;
import io.github.sitecorecdp.audience.AudienceExportClient;
import io.github.sitecorecdp.audience.AudienceExportOutput;
import io.github.sitecorecdp.audience.CdpExportExpiredException;
import io.github.sitecorecdp.audience.CdpExportFormatException;
import io.github.sitecorecdp.audience.DeltaAction;
import io.github.sitecorecdp.audience.ExportFile;
import io.github.sitecorecdp.audience.ExportRecord;
import io.github.sitecorecdp.token.CdpTokenException;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The sample's job: fetch the latest export of the configured audience, stream its files
 * and print a summary, with progress while downloading. Tokens, caching and the 401
 * replay all happen inside the client.
 *
 * @author sitecore-cdp-spring-boot
 */
@Component
@Profile("!" + SampleApplication.SERVE)
@Order(1)
class AudienceExportSummary implements ApplicationRunner, ExitCodeGenerator {

	private static final int PROGRESS_EVERY = 500;

	private static final int SAMPLES = 3;

	private final AudienceExportClient audienceExports;

	private final SampleProperties properties;

	private final PrintStream out = System.out;

	private volatile int exitCode;

	AudienceExportSummary(AudienceExportClient audienceExports, SampleProperties properties) {
		this.audienceExports = audienceExports;
		this.properties = properties;
	}

	@Override
	public void run(ApplicationArguments args) {
		try {
			summarise();
		}
		catch (RuntimeException ex) {
			// The starter's errors say what went wrong and what to fix: one line says more
			// to someone trying the sample than a stack trace.
			System.err.println("The sample could not read the export: " + describe(ex));
			this.exitCode = 1;
		}
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

	private static String describe(RuntimeException ex) {
		if (ex instanceof CdpNotFoundException) {
			return ex.getMessage() + " Check sample.audience-export-ref (SAMPLE_AUDIENCE_EXPORT_REF).";
		}
		if (ex instanceof CdpTokenException || ex instanceof CdpApiException || ex instanceof CdpExportExpiredException
				|| ex instanceof CdpExportFormatException) {
			return ex.getMessage();
		}
		Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
		return ex.getMessage() + ((cause != ex) ? " (" + cause.getMessage() + ")" : "")
				+ ". Check sitecore.cdp.base-url or sitecore.cdp.region, and the network.";
	}

	private void summarise() {
		String ref = this.properties.getAudienceExportRef();
		this.out.println("Fetching the latest export of audience " + ref + " ...");
		AudienceExportOutput output = this.audienceExports.latestExport(ref).block(Duration.ofMinutes(1));
		this.out.printf(Locale.ROOT, "Export %s: %d files, %d KB, URLs valid until %s%n", output.executionRef(),
				output.files().size(), output.totalSizeKB(), output.expireAt());
		List<ExportFile> files = output.files();
		for (int i = 0; i < files.size(); i++) {
			this.out.printf(Locale.ROOT, "  file %d/%d  %-7s %5d KB%n", i + 1, files.size(),
					files.get(i).action().name().toLowerCase(Locale.ROOT), files.get(i).sizeKB());
		}
		Tally tally = new Tally(files.size());
		this.audienceExports.download(output).doOnNext(tally::add).blockLast(this.properties.getDownloadTimeout());
		this.out.printf(Locale.ROOT, "Summary: %d guests added, %d removed, %d files, %d KB compressed%n", tally.added,
				tally.removed, files.size(), output.totalSizeKB());
		if (!tally.samples.isEmpty()) {
			this.out.println("First guests:");
			tally.samples.forEach((sample) -> this.out.println("  " + sample));
		}
	}

	private final class Tally {

		private final int files;

		private final List<String> samples = new ArrayList<>();

		private long added;

		private long removed;

		private long read;

		private int lastFile = -1;

		Tally(int files) {
			this.files = files;
		}

		void add(ExportRecord record) {
			if (record.fileIndex() != this.lastFile) {
				this.lastFile = record.fileIndex();
				AudienceExportSummary.this.out.printf(Locale.ROOT, "Reading file %d/%d ...%n", this.lastFile + 1,
						this.files);
			}
			boolean removal = record.action() == DeltaAction.REMOVE;
			if (removal) {
				this.removed++;
			}
			else {
				this.added++;
			}
			if (this.samples.size() < SAMPLES || (removal && this.removed == 1)) {
				this.samples.add((removal ? "- " : "+ ") + record.json());
			}
			if (++this.read % PROGRESS_EVERY == 0) {
				AudienceExportSummary.this.out.printf(Locale.ROOT, "  ... %d guests read%n", this.read);
			}
		}

	}

}

package io.github.sitecorecdp.fake;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An Audience export definition of the fake, with its jobs (newest last).
 *
 * @author sitecore-cdp-spring-boot
 */
public final class FakeAudienceExport {

	private final String definitionRef;

	private final Clock clock;

	private final List<FakeExportJob> jobs = new ArrayList<>();

	FakeAudienceExport(String definitionRef, Clock clock) {
		this.definitionRef = definitionRef;
		this.clock = clock;
	}

	/**
	 * Add a finished job; the newest successful one is the latest export.
	 * @param executionRef the job's execution reference
	 * @return the job, to add files to
	 */
	public FakeExportJob addJob(String executionRef) {
		FakeExportJob job = new FakeExportJob(executionRef, this.definitionRef, this.clock.instant());
		synchronized (this.jobs) {
			this.jobs.add(job);
		}
		return job;
	}

	/**
	 * Return the definition's reference.
	 * @return the reference
	 */
	public String definitionRef() {
		return this.definitionRef;
	}

	List<FakeExportJob> jobs() {
		synchronized (this.jobs) {
			return List.copyOf(this.jobs);
		}
	}

	Optional<FakeExportJob> latestSuccessfulJob() {
		List<FakeExportJob> all = jobs();
		for (int i = all.size() - 1; i >= 0; i--) {
			if ("SUCCESS".equals(all.get(i).status())) {
				return Optional.of(all.get(i));
			}
		}
		return Optional.empty();
	}

}

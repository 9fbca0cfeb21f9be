package io.github.sitecorecdp.autoconfigure;

import java.util.function.Consumer;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A startup refused for its {@code sitecore.cdp.*} properties, as the failure analyzer
 * reports it.
 */
final class StartupRefusals {

	private StartupRefusals() {
	}

	static ContextConsumer<AssertableApplicationContext> refused(Consumer<FailureAnalysis> assertions) {
		return (context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidSitecoreCdpPropertyFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
			assertions.accept(analysis);
		};
	}

}

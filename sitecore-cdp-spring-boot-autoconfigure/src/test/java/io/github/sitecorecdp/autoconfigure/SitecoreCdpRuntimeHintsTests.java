package io.github.sitecorecdp.autoconfigure;

import java.util.List;

import io.github.sitecorecdp.audience.AudienceExportOutput;
import io.github.sitecorecdp.audience.AudienceExportReport;
import io.github.sitecorecdp.audience.DeltaAction;
import io.github.sitecorecdp.audience.ExportFile;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reflection a native image needs is registered.
 */
class SitecoreCdpRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	SitecoreCdpRuntimeHintsTests() {
		new SitecoreCdpRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
	}

	@Test
	void whenRegisteredThenRecordsBoundFromJsonCanBeConstructedAndRead() {
		for (Class<?> type : new Class<?>[] { AudienceExportOutput.class, ExportFile.class,
				AudienceExportReport.class }) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(type)
				.withMemberCategories(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS))
				.as("constructors of %s", type.getSimpleName())
				.accepts(this.hints);
		}
		assertThat(RuntimeHintsPredicates.reflection().onMethod(AudienceExportOutput.class, "executionRef"))
			.accepts(this.hints);
	}

	@Test
	void whenRegisteredThenEnumsReadByNameAndTheFailureAnalyzersAreCovered() {
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(DeltaAction.class)
			.withMemberCategories(MemberCategory.INVOKE_PUBLIC_METHODS)).accepts(this.hints);
		for (Class<?> analyzer : List.of(InvalidSitecoreCdpPropertyFailureAnalyzer.class,
				SitecoreCdpBindFailureAnalyzer.class, MissingSitecoreCdpBeanFailureAnalyzer.class)) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(analyzer)
				.withMemberCategories(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).accepts(this.hints);
		}
	}

	@Test
	void whenRegisteredThenThePropertiesCanBeBound() {
		assertThat(RuntimeHintsPredicates.reflection().onType(SitecoreCdpProperties.class)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(SitecoreCdpProperties.Token.class)).accepts(this.hints);
	}

}

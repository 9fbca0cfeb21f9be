package io.github.sitecorecdp.autoconfigure;

import io.github.sitecorecdp.audience.AudienceExportOutput;
import io.github.sitecorecdp.audience.AudienceExportReport;
import io.github.sitecorecdp.audience.DeltaAction;
import io.github.sitecorecdp.audience.ExportFile;
import io.github.sitecorecdp.audience.ReportStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;

/**
 * What a native image needs to know about the starter's reflection: the records the
 * WebClient codecs bind from Sitecore's JSON, the enums read by name, the properties the
 * binder fills, and the failure analyzer Spring Boot instantiates from
 * {@code spring.factories}.
 *
 * @author sitecore-cdp-spring-boot
 */
class SitecoreCdpRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), AudienceExportOutput.class,
				ExportFile.class, AudienceExportReport.class);
		hints.reflection()
			.registerType(DeltaAction.class, MemberCategory.INVOKE_PUBLIC_METHODS)
			.registerType(ReportStatus.class, MemberCategory.INVOKE_PUBLIC_METHODS)
			// Spring Boot creates the analyzers listed in spring.factories by reflection, the
			// Environment-taking ones through that constructor.
			.registerType(InvalidSitecoreCdpPropertyFailureAnalyzer.class, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)
			.registerType(SitecoreCdpBindFailureAnalyzer.class, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)
			.registerType(MissingSitecoreCdpBeanFailureAnalyzer.class, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
		BindableRuntimeHintsRegistrar.forTypes(SitecoreCdpProperties.class).registerHints(hints);
	}

}

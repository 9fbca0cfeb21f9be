package io.github.sitecorecdp.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Reports a {@code sitecore.cdp.*} value that cannot be converted (an unknown region, a
 * duration that is none) together with every other problem of the properties. Spring
 * Boot's binding stops at the first such value, before the starter's checks run, and its
 * own report would name that one value alone, list a region as an upper-case enum
 * constant and show the value even of a secret.
 *
 * @author sitecore-cdp-spring-boot
 */
class SitecoreCdpBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("sitecore.cdp");

	private final Environment environment;

	SitecoreCdpBindFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		if (!PREFIX.equals(cause.getName()) && !PREFIX.isAncestorOf(cause.getName())) {
			return null;
		}
		SitecoreCdpProperties properties = new SitecoreCdpProperties();
		UnconvertibleValues unconvertible = UnconvertibleValues.bind(this.environment, properties);
		List<InvalidSitecoreCdpPropertyException> problems = new ArrayList<>(unconvertible.problems());
		if (problems.isEmpty()) {
			// The value converted when bound again (with a converter only the
			// application's context has): the failure is reported as it came.
			problems.add(UnconvertibleValues.describe(cause.getName(), cause.getProperty(), cause.getTarget(),
					ConfigurationPropertySources.get(this.environment)));
		}
		Set<String> registrations = new LinkedHashSet<>(properties.getClients().keySet());
		registrations.addAll(unconvertible.registrations());
		problems.addAll(SitecoreCdpPropertiesValidator.problemsOf(properties,
				UnboundRegistrationSettings.find(this.environment, registrations)));
		return InvalidSitecoreCdpPropertyFailureAnalyzer.analysisOf(InvalidSitecoreCdpPropertyException.of(problems),
				cause);
	}

	@Override
	public int getOrder() {
		// Before Spring Boot's analyzer of bind failures, which would answer first.
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

package io.github.sitecorecdp.autoconfigure;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Reports an unknown {@code sitecore.cdp.region} with the regions as they are written in
 * configuration ({@code eu}, {@code us}, ...), where Spring Boot's own report lists the
 * enum constants in upper case.
 *
 * @author sitecore-cdp-spring-boot
 */
class RegionBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

	private static final String PROPERTY = "sitecore.cdp.region";

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		ConfigurationProperty property = cause.getProperty();
		if (!PROPERTY.equals(cause.getName().toString()) || property == null) {
			return null;
		}
		String regions = Arrays.stream(Region.values())
			.map((region) -> region.name().toLowerCase(Locale.ROOT))
			.collect(Collectors.joining(", "));
		return new FailureAnalysis(PROPERTY + " is '" + property.getValue() + "', which is no Sitecore CDP region.",
				"Set " + PROPERTY + " to one of " + regions + " (the region of your Sitecore CDP tenant), or set "
						+ "sitecore.cdp.base-url to the API host.",
				cause);
	}

	@Override
	public int getOrder() {
		// Before Spring Boot's analyzer of bind failures, which would answer first.
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

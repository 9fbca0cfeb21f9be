package io.github.sitecorecdp.autoconfigure;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
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

	/** {@code sitecore.cdp.region} and {@code sitecore.cdp.clients.<name>.region}. */
	private static final Pattern PROPERTY = Pattern.compile("sitecore\\.cdp\\.(clients\\.[^.]+\\.)?region");

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		ConfigurationProperty property = cause.getProperty();
		String name = cause.getName().toString();
		if (!PROPERTY.matcher(name).matches() || property == null) {
			return null;
		}
		String baseUrl = name.substring(0, name.length() - "region".length()) + "base-url";
		String regions = Arrays.stream(Region.values())
			.map((region) -> region.name().toLowerCase(Locale.ROOT))
			.collect(Collectors.joining(", "));
		return new FailureAnalysis(name + " is '" + property.getValue() + "', which is no Sitecore CDP region.",
				"Set " + name + " to one of " + regions + " (the region of your Sitecore CDP tenant), or set "
						+ baseUrl + " to the API host.",
				cause);
	}

	@Override
	public int getOrder() {
		// Before Spring Boot's analyzer of bind failures, which would answer first.
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

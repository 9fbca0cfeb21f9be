package io.github.sitecorecdp.autoconfigure;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.github.sitecorecdp.audience.AudienceExportClient;
import io.github.sitecorecdp.batch.BatchImportClient;
import io.github.sitecorecdp.token.CdpAccessTokenManager;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.analyzer.AbstractInjectionFailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Explains a missing bean of the starter ({@code cdpWebClient}, {@code cdpRestClient},
 * {@link CdpAccessTokenManager}, {@link AudienceExportClient}, {@link BatchImportClient},
 * {@link CdpClients}) by the properties that turn it on, where Spring Boot's own report
 * would only suggest defining one.
 *
 * @author sitecore-cdp-spring-boot
 */
class MissingSitecoreCdpBeanFailureAnalyzer extends AbstractInjectionFailureAnalyzer<NoSuchBeanDefinitionException>
		implements Ordered {

	private static final String PREFIX = "sitecore.cdp.";

	private final Environment environment;

	MissingSitecoreCdpBeanFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause,
			@Nullable String description) {
		String bean = starterBean(cause);
		if (bean == null) {
			return null;
		}
		String who = (description != null) ? description : "A component";
		String required = who + " required " + bean + " of the Sitecore CDP starter, which was not created: ";
		if (!isEnabled()) {
			return new FailureAnalysis(required + PREFIX + "enabled is false.",
					"Remove " + PREFIX + "enabled=false (or set it to true) where the application calls Sitecore CDP, "
							+ "or do not inject " + bean + " where it is off.",
					cause);
		}
		if (bean.contains(BatchImportClient.class.getSimpleName())) {
			return new FailureAnalysis(required + "the Batch API client exists only when " + PREFIX
					+ "basic-auth.client-key and " + PREFIX + "basic-auth.api-token are set, and neither is.",
					"Set " + PREFIX + "basic-auth.client-key and " + PREFIX + "basic-auth.api-token (or the "
							+ "environment variables " + variable("basic-auth.client-key") + " and "
							+ variable("basic-auth.api-token") + ") to the tenant's client key and API token, shown "
							+ "in Sitecore CDP under Settings > API access.",
					cause);
		}
		if (bean.contains(CdpClients.class.getSimpleName())) {
			return new FailureAnalysis(required + "the starter's auto-configuration did not apply.",
					"Run the application with --debug and look for SitecoreCdpAutoConfiguration in the conditions "
							+ "report: it needs spring-webflux, reactor-netty-http and spring-security-oauth2-client, "
							+ "which sitecore-cdp-spring-boot-starter brings.",
					cause);
		}
		if (StringUtils.hasText(this.environment.getProperty(PREFIX + "api-key"))) {
			return null;
		}
		String named = namedRegistrations();
		return new FailureAnalysis(
				required + "it belongs to the default registration, which exists only when " + PREFIX
						+ "api-key is set, and it is not"
						+ (named.isEmpty() ? "." : " (only named registrations are configured: " + named + ")."),
				"Set " + PREFIX + "api-key and " + PREFIX + "api-secret (or the environment variables "
						+ variable("api-key") + " and " + variable("api-secret") + ") to a Sitecore Cloud Portal "
						+ "API key"
						+ (named.isEmpty() ? "."
								: ", or inject CdpClients and use a named registration, such as "
										+ "clients.webClient(\"" + named.split(", ")[0] + "\")."),
				cause);
	}

	/** The starter's bean the injection point asked for, or {@code null} for any other. */
	private static @Nullable String starterBean(NoSuchBeanDefinitionException cause) {
		Class<?> type = cause.getBeanType();
		if (type == BatchImportClient.class || type == AudienceExportClient.class
				|| type == CdpAccessTokenManager.class || type == CdpClients.class) {
			return "a bean of type " + type.getSimpleName();
		}
		String message = String.valueOf(cause.getMessage());
		for (String name : new String[] { "cdpWebClient", "cdpRestClient" }) {
			// By name (getBean) or by qualifier (@Qualifier("cdpWebClient") WebClient).
			if (name.equals(cause.getBeanName()) || message.contains("\"" + name + "\"")
					|| message.contains("'" + name + "'") || message.contains("value=" + name + ")")) {
				return "the bean '" + name + "'";
			}
		}
		return null;
	}

	private boolean isEnabled() {
		return Binder.get(this.environment).bind(PREFIX + "enabled", Boolean.class).orElse(true);
	}

	private String namedRegistrations() {
		return String.join(", ", Binder.get(this.environment)
			.bind(PREFIX + "clients", Bindable.mapOf(String.class, SitecoreCdpProperties.Client.class))
			.map(Map::keySet)
			.orElse(Set.of()));
	}

	private static String variable(String property) {
		return (PREFIX + property).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
	}

	@Override
	public int getOrder() {
		// Before Spring Boot's analyzer of missing beans, which would answer first.
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

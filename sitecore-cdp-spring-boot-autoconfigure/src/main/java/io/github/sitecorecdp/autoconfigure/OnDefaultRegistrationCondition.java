package io.github.sitecorecdp.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when the default registration exists: {@code sitecore.cdp.api-key} (or its
 * secret) is set, or no named registration is configured, in which case validation asks
 * for the key. An application with only named registrations has no {@code cdpWebClient},
 * {@code cdpRestClient} or {@code AudienceExportClient}.
 *
 * @author sitecore-cdp-spring-boot
 */
class OnDefaultRegistrationCondition extends SpringBootCondition {

	private static final ConfigurationPropertyName CLIENTS = ConfigurationPropertyName.of("sitecore.cdp.clients");

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		// As CdpRegistration.hasDefault decides: an empty key counts as none.
		boolean hasKey = binder.bind("sitecore.cdp.api-key", String.class).map(StringUtils::hasText).orElse(false)
				|| binder.bind("sitecore.cdp.api-secret", String.class).map(StringUtils::hasText).orElse(false);
		if (hasKey) {
			return ConditionOutcome.match("sitecore.cdp.api-key is set");
		}
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
			if (source.containsDescendantOf(CLIENTS) == ConfigurationPropertyState.PRESENT) {
				return ConditionOutcome
					.noMatch("only named registrations (sitecore.cdp.clients) are configured, no sitecore.cdp.api-key");
			}
		}
		return ConditionOutcome.match("no named registrations: the default one is required");
	}

}

package io.github.sitecorecdp.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the default registration exists: {@code sitecore.cdp.api-key} (or its
 * secret) is set, even blank (validation then refuses it), or no named registration is
 * configured, in which case validation asks for the key. An application with only named
 * registrations has no {@code cdpWebClient}, {@code cdpRestClient} or
 * {@code AudienceExportClient}.
 *
 * @author sitecore-cdp-spring-boot
 */
class OnDefaultRegistrationCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		// Decided as CdpRegistration.hasDefault decides, from the same binding.
		SitecoreCdpProperties properties = binder.bind("sitecore.cdp", SitecoreCdpProperties.class)
			.orElseGet(SitecoreCdpProperties::new);
		if (CdpRegistration.hasDefault(properties)) {
			return ConditionOutcome.match("sitecore.cdp.api-key is set, or there are no named registrations");
		}
		return ConditionOutcome
			.noMatch("only named registrations (sitecore.cdp.clients) are configured, no sitecore.cdp.api-key");
	}

}

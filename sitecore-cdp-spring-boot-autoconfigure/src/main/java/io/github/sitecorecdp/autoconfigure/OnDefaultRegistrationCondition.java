package io.github.sitecorecdp.autoconfigure;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
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

	/**
	 * The outcome per context being refreshed, keyed by its bean factory. The condition is
	 * asked once for each of the default registration's beans while the configuration
	 * classes are parsed, and each answer bound every {@code sitecore.cdp} property again:
	 * about half a millisecond a time, a sizeable part of what the starter added to an
	 * application's start. Not keyed by the environment: an environment may be refreshed
	 * into a new context after its properties changed (Spring Cloud's restart endpoint
	 * does so), and each refresh has a bean factory of its own. Weak keys: the outcome goes
	 * with the context.
	 */
	private static final Map<ConfigurableListableBeanFactory, ConditionOutcome> outcomes = Collections
		.synchronizedMap(new WeakHashMap<>());

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		Environment environment = context.getEnvironment();
		if (beanFactory == null) {
			return decide(environment);
		}
		return outcomes.computeIfAbsent(beanFactory, (key) -> decide(environment));
	}

	private static ConditionOutcome decide(Environment environment) {
		Binder binder = Binder.get(environment);
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

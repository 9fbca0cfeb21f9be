package io.github.sitecorecdp.autoconfigure;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code sitecore.cdp.flows.cache.flows} names at least one flow. Bound
 * rather than read as a placeholder: a YAML list arrives as {@code flows[0]},
 * {@code flows[1]}, which a placeholder of {@code flows} does not see.
 *
 * @author sitecore-cdp-spring-boot
 */
class OnCachedFlowsCondition extends SpringBootCondition {

	private static final String PROPERTY = "sitecore.cdp.flows.cache.flows";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		List<String> flows = Binder.get(context.getEnvironment())
			.bind(PROPERTY, Bindable.listOf(String.class))
			.orElse(List.of());
		if (flows.isEmpty()) {
			return ConditionOutcome.noMatch(PROPERTY + " names no flow");
		}
		return ConditionOutcome.match(PROPERTY + " names " + flows.size() + " flow(s)");
	}

}

package io.github.sitecorecdp.sample;

import java.util.List;

import org.springframework.web.service.annotation.GetExchange;

/**
 * Personalize's flow definitions, an {@code @HttpExchange} interface. It knows nothing of
 * hosts or tokens: the {@code personalize} registration supplies both.
 *
 * @author sitecore-cdp-spring-boot
 */
interface FlowDefinitions {

	@GetExchange("/v3/flowDefinitions")
	List<FlowDefinition> list();

	/**
	 * One flow definition, with the fields the sample shows.
	 *
	 * @param ref the flow's reference
	 * @param name its name
	 * @param type {@code WEB_FLOW}, {@code TRIGGERED_EXPERIENCE}, ...
	 * @param status {@code PRODUCTION}, {@code DRAFT}, ...
	 */
	record FlowDefinition(String ref, String name, String type, String status) {
	}

}

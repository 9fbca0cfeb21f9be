package org.springframework.web.service.registry;

import org.springframework.core.Ordered;

/**
 * Signature stub of Spring Framework 7's type, for compiling against Spring Boot 3.5.
 *
 * @param <CB> the client builder type
 */
public interface HttpServiceGroupConfigurer<CB> extends Ordered {

	void configureGroups(Groups<CB> groups);

	@Override
	default int getOrder() {
		return 0;
	}

	/**
	 * Signature stub.
	 *
	 * @param <CB> the client builder type
	 */
	interface Groups<CB> {

		Groups<CB> filterByName(String... groupNames);

		void forEachClient(ClientCallback<CB> callback);

	}

	/**
	 * Signature stub.
	 *
	 * @param <CB> the client builder type
	 */
	@FunctionalInterface
	interface ClientCallback<CB> {

		void withClient(HttpServiceGroup group, CB builder);

	}

}

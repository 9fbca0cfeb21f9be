package org.springframework.web.service.registry;

/**
 * Signature stub of Spring Framework 7's type, for compiling against Spring Boot 3.5.
 */
public interface HttpServiceGroup {

	String DEFAULT_GROUP_NAME = "default";

	String name();

}

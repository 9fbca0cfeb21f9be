package org.springframework.web.reactive.function.client.support;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.service.registry.HttpServiceGroupConfigurer;

/**
 * Signature stub of Spring Framework 7's type, for compiling against Spring Boot 3.5.
 */
public interface WebClientHttpServiceGroupConfigurer extends HttpServiceGroupConfigurer<WebClient.Builder> {

}

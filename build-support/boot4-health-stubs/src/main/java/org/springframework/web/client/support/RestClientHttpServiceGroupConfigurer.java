package org.springframework.web.client.support;

import org.springframework.web.client.RestClient;
import org.springframework.web.service.registry.HttpServiceGroupConfigurer;

/**
 * Signature stub of Spring Framework 7's type, for compiling against Spring Boot 3.5.
 */
public interface RestClientHttpServiceGroupConfigurer extends HttpServiceGroupConfigurer<RestClient.Builder> {

}

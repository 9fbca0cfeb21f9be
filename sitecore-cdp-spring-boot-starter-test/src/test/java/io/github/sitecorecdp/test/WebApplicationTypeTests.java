package io.github.sitecorecdp.test;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What kind of application the starter makes of one with nothing but {@code spring-boot-starter}
 * besides it, as this module is (the sample is not: it adds WebFlux for its {@code --serve} demo):
 * on Spring Boot 4 no web application (no web server starts); on Spring Boot 3 a reactive web
 * application, because the starter brings WebFlux, which is why a non-web application on Boot 3 sets
 * {@code spring.main.web-application-type: none}.
 */
class WebApplicationTypeTests {

	private static boolean bootThree() {
		return SpringBootVersion.getVersion().startsWith("3.");
	}

	@Test
	void whenOnlyTheStarterIsAddedOnBoot4ThenTheApplicationIsNoWebApplication() {
		assumeFalse(bootThree(), "Spring Boot 4 only");
		assertThat(new SpringApplication(Empty.class).getWebApplicationType()).isEqualTo(WebApplicationType.NONE);
	}

	@Test
	void whenOnlyTheStarterIsAddedOnBoot3ThenTheApplicationIsAReactiveWebApplication() {
		assumeTrue(bootThree(), "Spring Boot 3 only");
		assertThat(new SpringApplication(Empty.class).getWebApplicationType())
			.isEqualTo(WebApplicationType.REACTIVE);
	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

}

package io.github.sitecorecdp.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Prints a summary of the latest Audience export of a Sitecore CDP audience. Without
 * credentials it runs against an in-process fake Sitecore CDP with demo data.
 *
 * @author sitecore-cdp-spring-boot
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class SampleApplication {

	public static void main(String[] args) {
		// A one-shot job: close the context (and the fake, if any) and exit with its status.
		System.exit(SpringApplication.exit(SpringApplication.run(SampleApplication.class, args)));
	}

}

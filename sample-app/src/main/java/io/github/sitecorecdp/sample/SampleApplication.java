package io.github.sitecorecdp.sample;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Prints a summary of the latest Audience export of a Sitecore CDP audience; with
 * {@code --serve}, serves the real-time demo ({@link RealtimeDemo}) instead. Without
 * credentials it runs against an in-process fake Sitecore CDP with demo data.
 *
 * @author sitecore-cdp-spring-boot
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class SampleApplication {

	/** The profile, and option, of the real-time demo: a web server instead of the job. */
	static final String SERVE = "serve";

	public static void main(String[] args) {
		if (Arrays.asList(args).contains("--" + SERVE)) {
			// A server, not a job: the profile turns the web server on and the job's runners off.
			SpringApplication application = new SpringApplication(SampleApplication.class);
			application.setAdditionalProfiles(SERVE);
			application.run(args);
			return;
		}
		// A one-shot job: close the context (and the fake, if any) and exit with its status.
		System.exit(SpringApplication.exit(SpringApplication.run(SampleApplication.class, args)));
	}

}

package io.github.sitecorecdp.sample;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

import io.github.sitecorecdp.autoconfigure.CdpClients;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The sample's second registration: lists Personalize flow definitions through an
 * {@code @HttpExchange} interface on the {@code personalize} registration, with its own
 * API key and token. Skipped when that registration is not configured.
 *
 * @author sitecore-cdp-spring-boot
 */
@Component
@Profile("!" + SampleApplication.SERVE)
@Order(2)
class FlowDefinitionsSummary implements ApplicationRunner, ExitCodeGenerator {

	static final String REGISTRATION = "personalize";

	private final CdpClients clients;

	private final PrintStream out = System.out;

	private volatile int exitCode;

	FlowDefinitionsSummary(CdpClients clients) {
		this.clients = clients;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (!this.clients.names().contains(REGISTRATION)) {
			return;
		}
		try {
			// One line on every Boot line; on Boot 4, @ImportHttpServices(group = "personalize")
			// makes the same client a bean with no code at all.
			FlowDefinitions flows = this.clients.httpService(REGISTRATION, FlowDefinitions.class);
			List<FlowDefinitions.FlowDefinition> definitions = flows.list();
			this.out.printf(Locale.ROOT, "Personalize flow definitions (registration %s): %d%n", REGISTRATION,
					definitions.size());
			definitions.forEach((flow) -> this.out.printf(Locale.ROOT, "  %-10s %-20s %s%n", flow.status(),
					flow.type(), flow.name()));
		}
		catch (RuntimeException ex) {
			System.err.println("The sample could not read Personalize flow definitions: " + ex.getMessage());
			this.exitCode = 1;
		}
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

}

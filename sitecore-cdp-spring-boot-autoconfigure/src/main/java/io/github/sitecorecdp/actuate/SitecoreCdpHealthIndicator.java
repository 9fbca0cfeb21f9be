package io.github.sitecorecdp.actuate;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code sitecoreCdp} health contributor on Spring Boot 4 (see
 * {@link SitecoreCdpHealthCheck}).
 *
 * @author sitecore-cdp-spring-boot
 */
public final class SitecoreCdpHealthIndicator implements HealthIndicator {

	private final SitecoreCdpHealthCheck check;

	/**
	 * Create a new instance.
	 * @param check the check
	 */
	public SitecoreCdpHealthIndicator(SitecoreCdpHealthCheck check) {
		this.check = check;
	}

	@Override
	public Health health() {
		SitecoreCdpHealthCheck.Result result = this.check.check();
		return (result.up() ? Health.up() : Health.down()).withDetails(result.details()).build();
	}

}

package io.github.sitecorecdp.actuate;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code sitecoreCdp} health contributor on Spring Boot 3, whose health API lives in
 * another package (see {@link SitecoreCdpHealthCheck}). Compiled against signature stubs
 * on Boot 4 builds; used only where Boot 3's classes exist.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class SitecoreCdpBoot3HealthIndicator implements HealthIndicator {

	private final SitecoreCdpHealthCheck check;

	/**
	 * Create a new instance.
	 * @param check the check
	 */
	public SitecoreCdpBoot3HealthIndicator(SitecoreCdpHealthCheck check) {
		this.check = check;
	}

	@Override
	public Health health() {
		SitecoreCdpHealthCheck.Result result = this.check.check();
		return (result.up() ? Health.up() : Health.down()).withDetails(result.details()).build();
	}

}

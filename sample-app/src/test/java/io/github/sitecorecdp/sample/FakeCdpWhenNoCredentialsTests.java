package io.github.sitecorecdp.sample;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fake is used only when no credentials are configured.
 */
class FakeCdpWhenNoCredentialsTests {

	@Test
	void whenAnApiKeyIsConfiguredThenNoFakeIsStarted() {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("test", Map.of("sitecore.cdp.api-key", "real-key")));
			new FakeCdpWhenNoCredentials().initialize(context);
			assertThat(context.getBeanFactory().containsSingleton("fakeSitecoreCdp")).isFalse();
			assertThat(context.getEnvironment().getProperty("sitecore.cdp.base-url")).isNull();
		}
	}

	@Test
	void whenNoApiKeyIsConfiguredThenTheFakeServesTheDemoData() {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			new FakeCdpWhenNoCredentials().initialize(context);
			assertThat(context.getBeanFactory().containsSingleton("fakeSitecoreCdp")).isTrue();
			assertThat(context.getEnvironment().getProperty("sitecore.cdp.base-url")).startsWith("http://127.0.0.1:");
			context.refresh();
		}
	}

}

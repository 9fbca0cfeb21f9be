package io.github.sitecorecdp.sample;

import java.util.HashMap;
import java.util.Map;

import io.github.sitecorecdp.fake.FakeBatches;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.fake.FakeStreamApi;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Lets the sample run anywhere: when no {@code sitecore.cdp.api-key} is configured, starts
 * the fake Sitecore CDP from the test kit in-process, with demo data, and points the
 * starter at it. With real credentials this does nothing. Registered in
 * {@code META-INF/spring.factories}.
 *
 * @author sitecore-cdp-spring-boot
 */
class FakeCdpWhenNoCredentials implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		if (Binder.get(environment).bind("sitecore.cdp.api-key", String.class).isBound()) {
			return;
		}
		FakeSitecoreCdp fake = FakeSitecoreCdp.start().withDemoData();
		Map<String, Object> properties = new HashMap<>(fake.properties());
		// The demo's second API key: a Personalize registration on the same fake API host.
		properties.put("sitecore.cdp.clients.personalize.api-key", FakeSitecoreCdp.PERSONALIZE_API_KEY);
		properties.put("sitecore.cdp.clients.personalize.api-secret", FakeSitecoreCdp.PERSONALIZE_API_SECRET);
		// The Batch API's Basic credentials, for the import command.
		properties.put("sitecore.cdp.basic-auth.client-key", FakeBatches.CLIENT_KEY);
		properties.put("sitecore.cdp.basic-auth.api-token", FakeBatches.API_TOKEN);
		properties.put("sitecore.cdp.batch.poll-interval", "50ms");
		if (environment.matchesProfiles(SampleApplication.SERVE)) {
			// The real-time demo: the fake's point of sale (its client key is the Basic one
			// above), and a decision for the demo's flow.
			properties.put("sitecore.cdp.realtime.point-of-sale", FakeStreamApi.POINT_OF_SALE);
			properties.put("sitecore.cdp.realtime.currency", "EUR");
			fake.api().flows().answer(RealtimeDemo.FLOW, "{\"title\":\"10% off your first order\"}");
		}
		environment.getPropertySources().addFirst(new MapPropertySource("fakeSitecoreCdp", properties));
		DefaultListableBeanFactory beanFactory = (DefaultListableBeanFactory) context.getBeanFactory();
		beanFactory.registerSingleton("fakeSitecoreCdp", fake);
		beanFactory.registerDisposableBean("fakeSitecoreCdp", fake::close);
		System.out.println("No sitecore.cdp.api-key configured: running against an in-process FAKE Sitecore CDP at "
				+ fake.baseUrl() + " with demo data.");
		System.out.println("Set SITECORE_CDP_API_KEY, SITECORE_CDP_API_SECRET, SITECORE_CDP_REGION and "
				+ "SAMPLE_AUDIENCE_EXPORT_REF to use your Sitecore CDP tenant.");
	}

}

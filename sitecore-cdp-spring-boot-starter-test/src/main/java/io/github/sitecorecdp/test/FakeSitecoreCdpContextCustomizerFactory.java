package io.github.sitecorecdp.test;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.fake.MutableClock;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Starts a {@link FakeSitecoreCdp} for test classes annotated with
 * {@link AutoConfigureFakeSitecoreCdp}. Registered in {@code META-INF/spring.factories}.
 *
 * @author sitecore-cdp-spring-boot
 */
class FakeSitecoreCdpContextCustomizerFactory implements ContextCustomizerFactory {

	static final String BEAN_NAME = "fakeSitecoreCdp";

	/** The starter takes a {@link java.time.Clock} bean of this name for token lifetimes. */
	static final String CLOCK_BEAN_NAME = "sitecoreCdpClock";

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		AutoConfigureFakeSitecoreCdp annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				AutoConfigureFakeSitecoreCdp.class);
		return (annotation != null) ? new Customizer(annotation.demoData(), annotation.mutableClock(),
				new TreeSet<>(List.of(annotation.registrations()))) : null;
	}

	/**
	 * One fake per application context; equal customizers let Spring's test context cache
	 * share a context (and its fake) between test classes.
	 */
	static final class Customizer implements ContextCustomizer {

		private final boolean demoData;

		private final boolean mutableClock;

		/** Sorted, so that the order of the annotation's names does not split the cache. */
		private final SortedSet<String> registrations;

		Customizer(boolean demoData, boolean mutableClock, SortedSet<String> registrations) {
			this.demoData = demoData;
			this.mutableClock = mutableClock;
			this.registrations = Collections.unmodifiableSortedSet(registrations);
		}

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			MutableClock clock = this.mutableClock ? MutableClock.startingNow() : null;
			FakeSitecoreCdp fake = (clock != null) ? FakeSitecoreCdp.start(clock) : FakeSitecoreCdp.start();
			if (this.demoData) {
				fake.withDemoData();
			}
			try {
				this.registrations.forEach(fake::addRegistration);
			}
			catch (IllegalArgumentException ex) {
				fake.close();
				throw new IllegalStateException("@AutoConfigureFakeSitecoreCdp(registrations = ...) of "
						+ config.getTestClass().getName() + ": " + ex.getMessage(), ex);
			}
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource(BEAN_NAME, new HashMap<>(fake.properties())));
			DefaultListableBeanFactory beanFactory = (DefaultListableBeanFactory) context.getBeanFactory();
			beanFactory.registerSingleton(BEAN_NAME, fake);
			beanFactory.registerDisposableBean(BEAN_NAME, fake::close);
			if (clock != null) {
				beanFactory.registerSingleton(CLOCK_BEAN_NAME, clock);
			}
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Customizer customizer && customizer.demoData == this.demoData
					&& customizer.mutableClock == this.mutableClock
					&& customizer.registrations.equals(this.registrations);
		}

		@Override
		public int hashCode() {
			return Objects.hash(Customizer.class, this.demoData, this.mutableClock, this.registrations);
		}

	}

}

package io.github.sitecorecdp.test;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The customizer's identity decides which test classes share a cached application context
 * (and its fake).
 */
class FakeSitecoreCdpContextCustomizerFactoryTests {

	private final FakeSitecoreCdpContextCustomizerFactory factory = new FakeSitecoreCdpContextCustomizerFactory();

	@Test
	void whenTheSameRegistrationsAreNamedInAnotherOrderThenTheContextIsShared() {
		ContextCustomizer one = customizerOf(PersonalizeAndEdge.class);
		ContextCustomizer other = customizerOf(EdgeAndPersonalize.class);
		assertThat(one).isEqualTo(other).hasSameHashCodeAs(other);
	}

	@Test
	void whenOtherRegistrationsAreNamedThenTheContextIsNotShared() {
		assertThat(customizerOf(PersonalizeAndEdge.class)).isNotEqualTo(customizerOf(PersonalizeOnly.class))
			.isNotEqualTo(customizerOf(NoRegistrations.class));
	}

	@Test
	void whenARegistrationNameIsInvalidThenTheContextFailsNamingTheTestAndTheName() {
		ContextCustomizer customizer = customizerOf(InvalidName.class);
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			MergedContextConfiguration config = new MergedContextConfiguration(InvalidName.class, new String[0],
					new Class<?>[0], new String[0], null);
			assertThatIllegalStateException().isThrownBy(() -> customizer.customizeContext(context, config))
				.withMessageContaining(InvalidName.class.getName())
				.withMessageContaining("'Personalize' is not a registration name");
		}
	}

	private ContextCustomizer customizerOf(Class<?> testClass) {
		ContextCustomizer customizer = this.factory.createContextCustomizer(testClass, List.of());
		assertThat(customizer).isNotNull();
		return customizer;
	}

	@AutoConfigureFakeSitecoreCdp(registrations = { "personalize", "edge" })
	static class PersonalizeAndEdge {

	}

	@AutoConfigureFakeSitecoreCdp(registrations = { "edge", "personalize" })
	static class EdgeAndPersonalize {

	}

	@AutoConfigureFakeSitecoreCdp(registrations = "personalize")
	static class PersonalizeOnly {

	}

	@AutoConfigureFakeSitecoreCdp
	static class NoRegistrations {

	}

	@AutoConfigureFakeSitecoreCdp(registrations = "Personalize")
	static class InvalidName {

	}

}

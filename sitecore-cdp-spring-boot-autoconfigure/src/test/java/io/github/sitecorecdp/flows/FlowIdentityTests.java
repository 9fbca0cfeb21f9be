package io.github.sitecorecdp.flows;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A flow identity is exactly one of browser ref, e-mail or identifiers, refused otherwise
 * when it is built.
 */
class FlowIdentityTests {

	@Test
	void whenNoIdentityIsGivenThenItIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new FlowIdentity(null, null, null))
			.withMessageContaining("exactly one of browser ref, e-mail or identifiers, but 0 were given");
	}

	@Test
	void whenTwoIdentitiesAreGivenThenItIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new FlowIdentity("browser-1", "ann@example.com", null))
			.withMessageContaining("but 2 were given");
	}

	@Test
	void whenAllThreeAreGivenThenItIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new FlowIdentity("b", "e@x", List.of(new FlowIdentifier("1", "CRM"))))
			.withMessageContaining("but 3 were given");
	}

	@Test
	void whenIdentifiersAreEmptyThenItIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(FlowIdentity::ofIdentifiers)
			.withMessageContaining("must not be empty");
	}

	@Test
	void whenTheBrowserRefIsBlankThenItIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> FlowIdentity.ofBrowser(" "))
			.withMessageContaining("must not be blank");
	}

	@Test
	void whenPrintedThenNoPersonalDataShows() {
		assertThat(FlowIdentity.ofEmail("ann@example.com")).hasToString("FlowIdentity[email]");
	}

}

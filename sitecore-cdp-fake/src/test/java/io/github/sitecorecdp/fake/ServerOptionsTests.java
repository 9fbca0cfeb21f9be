package io.github.sitecorecdp.fake;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The runnable fake's command line.
 */
class ServerOptionsTests {

	@Test
	void whenNoPortIsGivenThenTheFourPortsStartAt8089() {
		ServerOptions options = ServerOptions.parse();
		assertThat(options.ports()).isEqualTo(new Ports(8089, 8090, 8091));
		assertThat(options.controlPort()).isEqualTo(8092);
	}

	@Test
	void whenAPortIsGivenThenTheFourPortsStartThere() {
		ServerOptions options = ServerOptions.parse("--port", "9000");
		assertThat(options.ports()).isEqualTo(new Ports(9000, 9001, 9002));
		assertThat(options.controlPort()).isEqualTo(9003);
	}

	@Test
	void whenPortZeroIsGivenThenEveryServerGetsAFreePort() {
		ServerOptions options = ServerOptions.parse("--port=0");
		assertThat(options.ports()).isEqualTo(Ports.ANY);
		assertThat(options.controlPort()).isZero();
	}

	@Test
	void whenOnePortIsGivenThenItOverridesTheBase() {
		ServerOptions options = ServerOptions.parse("--port=9000", "--control-port=7000", "--token-port=7001");
		assertThat(options.ports()).isEqualTo(new Ports(7001, 9001, 9002));
		assertThat(options.controlPort()).isEqualTo(7000);
	}

	@Test
	void whenRegistrationsAndDemoDataAreGivenThenTheyAreRead() {
		ServerOptions options = ServerOptions.parse("--registrations=personalize, edge", "--demo-data");
		assertThat(options.registrations()).containsExactly("personalize", "edge");
		assertThat(options.demoData()).isTrue();
	}

	@Test
	void whenAPortIsNoNumberThenTheErrorNamesTheOption() {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerOptions.parse("--api-port=http"))
			.withMessage("--api-port=http is no port; use 0 to 65535");
	}

	@Test
	void whenTheBasePortLeavesNoRoomThenTheErrorSaysSo() {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerOptions.parse("--port=65534"))
			.withMessageContaining("leaves no room");
	}

	@Test
	void whenAnOptionLacksItsValueThenTheErrorNamesIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerOptions.parse("--port"))
			.withMessage("Option --port needs a value");
	}

}

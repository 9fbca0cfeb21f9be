package io.github.sitecorecdp.autoconfigure;

import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JVM-style {@code non-proxy-hosts} entries become the one pattern Reactor Netty takes.
 */
class CdpHttpClientsTests {

	@Test
	void whenEntriesHaveWildcardsThenTheyMatchLikeTheJvmsNonProxyHosts() {
		Pattern pattern = Pattern.compile(CdpHttpClients.nonProxyHostsPattern(List.of("localhost", "*.internal",
				"10.0.*")));
		assertThat(pattern.matcher("localhost").matches()).isTrue();
		assertThat(pattern.matcher("api.internal").matches()).isTrue();
		assertThat(pattern.matcher("a.b.internal").matches()).isTrue();
		assertThat(pattern.matcher("10.0.3.4").matches()).isTrue();
		assertThat(pattern.matcher("internal.example.com").matches()).isFalse();
		assertThat(pattern.matcher("localhost.example.com").matches()).isFalse();
		assertThat(pattern.matcher("api-engage-eu.sitecorecloud.io").matches()).isFalse();
	}

	@Test
	void whenAnEntryHasRegexCharactersThenTheyAreTakenLiterally() {
		Pattern pattern = Pattern.compile(CdpHttpClients.nonProxyHostsPattern(List.of("a+b.example.com")));
		assertThat(pattern.matcher("a+b.example.com").matches()).isTrue();
		assertThat(pattern.matcher("aab.example.com").matches()).isFalse();
	}

	@Test
	void whenThereAreNoEntriesThenThereIsNoPattern() {
		assertThat(CdpHttpClients.nonProxyHostsPattern(List.of())).isNull();
	}

}

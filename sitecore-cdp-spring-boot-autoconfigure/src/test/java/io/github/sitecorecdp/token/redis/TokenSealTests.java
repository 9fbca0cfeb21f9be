package io.github.sitecorecdp.token.redis;

import java.net.URI;
import java.util.Base64;

import io.github.sitecorecdp.token.CdpTokenStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Entry names and sealing: what someone who reads or writes Redis without the API secret
 * can and cannot do.
 */
class TokenSealTests {

	private static final URI TOKEN_URI = URI.create("https://auth.sitecorecloud.io/oauth/token");

	private final TokenSeal cdp = TokenSeal.of("sitecore-cdp", registration("cdp-key", "cdp-secret"));

	@Test
	void whenTheSameRegistrationIsSealedOnTwoInstancesThenBothUseOneNameAndOpenEachOthersEntries() {
		TokenSeal other = TokenSeal.of("sitecore-cdp", registration("cdp-key", "cdp-secret"));
		assertThat(other.name()).isEqualTo(this.cdp.name()).matches("sitecore-cdp:token:[0-9a-f]{32}")
			.doesNotContain("cdp-key");
		assertThat(other.open(this.cdp.seal("a token"))).isEqualTo("a token");
	}

	@Test
	void whenAnEntryIsCopiedUnderAnotherRegistrationThenItIsRefused() {
		TokenSeal personalize = TokenSeal.of("sitecore-cdp", registration("personalize-key", "cdp-secret"));
		assertThat(personalize.name()).isNotEqualTo(this.cdp.name());
		assertThat(personalize.open(this.cdp.seal("a token"))).isNull();
	}

	@Test
	void whenTheSecretIsRotatedThenOldEntriesCannotBeOpened() {
		TokenSeal rotated = TokenSeal.of("sitecore-cdp", registration("cdp-key", "rotated-secret"));
		assertThat(rotated.name()).isNotEqualTo(this.cdp.name());
		assertThat(rotated.open(this.cdp.seal("a token"))).isNull();
	}

	@Test
	void whenAnEntryIsChangedOrIsNoEntryAtAllThenItIsRefused() {
		// Authenticated encryption refuses a change anywhere, also one that leaves the name
		// and the padding intact (which an unauthenticated mode such as CBC would let
		// through as a garbled token): the content is long enough to span many blocks.
		byte[] sealed = Base64.getDecoder().decode(this.cdp.seal("a token ".repeat(20)));
		for (int i = 0; i < sealed.length; i++) {
			byte[] changed = sealed.clone();
			changed[i] ^= 1;
			assertThat(this.cdp.open(Base64.getEncoder().encodeToString(changed))).as("byte %d changed", i).isNull();
		}
		assertThat(this.cdp.open("not base64 at all")).isNull();
		assertThat(this.cdp.open("")).isNull();
	}

	@Test
	void whenSealedThenNeitherTheContentNorTheSecretShows() {
		String sealed = this.cdp.seal("eyJhbGciOiJub25lIn0.payload.");
		assertThat(sealed).doesNotContain("eyJhbGciOiJub25lIn0").doesNotContain("cdp-secret");
		assertThat(this.cdp.seal("eyJhbGciOiJub25lIn0.payload.")).isNotEqualTo(sealed);
		assertThat(this.cdp).hasToString("TokenSeal[" + this.cdp.name() + "]");
	}

	private static CdpTokenStore.Registration registration(String key, String secret) {
		return new CdpTokenStore.Registration("Sitecore CDP", key, secret, "https://api.sitecorecloud.io", TOKEN_URI);
	}

}

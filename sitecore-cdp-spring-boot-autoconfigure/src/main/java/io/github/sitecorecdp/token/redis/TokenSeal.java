package io.github.sitecorecdp.token.redis;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.github.sitecorecdp.token.CdpTokenStore;
import org.jspecify.annotations.Nullable;

import org.springframework.security.crypto.encrypt.BytesEncryptor;
import org.springframework.security.crypto.encrypt.Encryptors;

/**
 * Names and seals one registration's entries, with keys only the holders of its API secret
 * can derive.
 *
 * <p>
 * The entry's name is an HMAC of the API key, audience and token URI under the secret: it
 * is the same on every instance, differs between registrations, and tells someone who
 * reads Redis nothing about the key. The content is sealed with AES-256 in GCM mode
 * (authenticated) by Spring Security's {@link Encryptors#stronger}, whose key is derived
 * from the secret. A reader without the secret can neither use nor forge an entry, a
 * changed entry fails to open, and rotating the secret makes old entries unreadable (they
 * also fall under a new name). The name is sealed inside the content too, so an entry
 * copied under another registration's name is refused.
 *
 * @author sitecore-cdp-spring-boot
 */
final class TokenSeal {

	private final String name;

	private final BytesEncryptor encryptor;

	private TokenSeal(String name, BytesEncryptor encryptor) {
		this.name = name;
		this.encryptor = encryptor;
	}

	static TokenSeal of(String keyPrefix, CdpTokenStore.Registration registration) {
		byte[] identity = hmac(registration.apiSecret(), "sitecore-cdp token entry\n" + registration.apiKey() + "\n"
				+ registration.audience() + "\n" + registration.tokenUri());
		String id = HexFormat.of().formatHex(identity, 0, 16);
		// The salt is not secret; it only has to be the same on every instance and differ
		// between registrations.
		String salt = HexFormat.of().formatHex(identity, 16, 32);
		return new TokenSeal(keyPrefix + ":token:" + id, Encryptors.stronger(registration.apiSecret(), salt));
	}

	/** The name of the registration's token entry; other keys of it start with it. */
	String name() {
		return this.name;
	}

	String seal(String content) {
		byte[] plain = (this.name + "\n" + content).getBytes(StandardCharsets.UTF_8);
		return Base64.getEncoder().encodeToString(this.encryptor.encrypt(plain));
	}

	/**
	 * Open an entry sealed by {@link #seal}.
	 * @return the content, or {@code null} when the entry was sealed with another secret,
	 * for another registration, or changed
	 */
	@Nullable String open(String sealed) {
		try {
			String plain = new String(this.encryptor.decrypt(Base64.getDecoder().decode(sealed)),
					StandardCharsets.UTF_8);
			return plain.startsWith(this.name + "\n") ? plain.substring(this.name.length() + 1) : null;
		}
		catch (RuntimeException ex) {
			// A failed tag check (IllegalStateException), bad Base64 or a short entry.
			return null;
		}
	}

	@Override
	public String toString() {
		return "TokenSeal[" + this.name + "]";
	}

	private static byte[] hmac(String secret, String text) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("The JVM has no HmacSHA256", ex);
		}
	}

}

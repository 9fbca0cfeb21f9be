package io.github.sitecorecdp.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names a token in logs without revealing it: the first 8 hex digits of its SHA-256, so
 * an operator can tell "same token" from "new token" across log lines.
 *
 * @author sitecore-cdp-spring-boot
 */
final class TokenFingerprint {

	private TokenFingerprint() {
	}

	static String of(String tokenValue) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(tokenValue.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
		}
	}

}

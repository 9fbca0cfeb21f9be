package io.github.sitecorecdp.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.github.sitecorecdp.token.CdpAccessTokenManager;
import io.github.sitecorecdp.token.CdpCredentialsRejectedException;
import io.github.sitecorecdp.token.CdpTokenEndpointUnreachableException;
import io.github.sitecorecdp.token.CdpTokenException;
import io.github.sitecorecdp.token.CdpTokenStatus;
import io.github.sitecorecdp.token.CdpTokenStoreState;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The health of the Sitecore CDP client, independent of Spring Boot's health API (which
 * moved between Boot 3 and Boot 4): {@code UP} while a valid token is held or can be had,
 * {@code DOWN} with the reason (credentials rejected, the status the token endpoint answered,
 * no answer at all, backing
 * off until ...) otherwise.
 *
 * <p>
 * A check asks the token manager like any caller does, so it never causes more token
 * requests than the backoff allows: with a valid token, none; while backing off, none.
 * Details name the token by its fingerprint and never show a secret.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class SitecoreCdpHealthCheck {

	private static final String DEFAULT = "default";

	private final Map<String, CdpAccessTokenManager> tokenManagers;

	/**
	 * Create a check of one token manager.
	 * @param tokenManager the token manager
	 */
	public SitecoreCdpHealthCheck(CdpAccessTokenManager tokenManager) {
		this(Map.of(DEFAULT, tokenManager));
	}

	/**
	 * Create a check of several registrations: up when every one is, with the details of
	 * each under its name.
	 * @param tokenManagers the token manager of each registration, by name
	 */
	public SitecoreCdpHealthCheck(Map<String, CdpAccessTokenManager> tokenManagers) {
		this.tokenManagers = Map.copyOf(tokenManagers);
	}

	/**
	 * Check now. Registrations without a valid token ask for one all at once, so the
	 * check takes as long as the slowest registration, not the sum of them.
	 * @return whether the client is up, and the details
	 */
	public Result check() {
		Map<String, Throwable> failures = new ConcurrentHashMap<>();
		Flux.fromIterable(this.tokenManagers.entrySet())
			.filter((registration) -> !registration.getValue().status().hasValidToken())
			.flatMap((registration) -> registration.getValue()
				.getToken()
				.then()
				.onErrorResume((ex) -> {
					failures.put(registration.getKey(), ex);
					return Mono.empty();
				}))
			// Each token request is bounded by its manager's watchdog.
			.blockLast();
		CdpAccessTokenManager onlyDefault = (this.tokenManagers.size() == 1) ? this.tokenManagers.get(DEFAULT) : null;
		if (onlyDefault != null) {
			return result(onlyDefault, failures.get(DEFAULT));
		}
		boolean up = true;
		Map<String, Object> details = new TreeMap<>();
		for (Map.Entry<String, CdpAccessTokenManager> registration : this.tokenManagers.entrySet()) {
			Result result = result(registration.getValue(), failures.get(registration.getKey()));
			Map<String, Object> own = new LinkedHashMap<>();
			own.put("status", result.up() ? "UP" : "DOWN");
			own.putAll(result.details());
			details.put(registration.getKey(), own);
			up &= result.up();
		}
		return new Result(up, details);
	}

	private static Result result(CdpAccessTokenManager tokenManager, @Nullable Throwable failure) {
		CdpTokenStatus status = tokenManager.status();
		Map<String, Object> details = new LinkedHashMap<>();
		CdpTokenStoreState store = status.store();
		if (!store.equals(CdpTokenStoreState.IN_MEMORY)) {
			// Still up while the store is unavailable: calls go on with the instance's own token.
			details.put("tokenStore", store.shared() ? store.store()
					: store.store() + " unavailable (" + store.problem() + "); this instance gets its own tokens");
		}
		if (status.hasValidToken()) {
			details.put("token", status.tokenFingerprint());
			details.put("tokenExpiresAt", String.valueOf(status.tokenExpiresAt()));
			return new Result(true, details);
		}
		CdpTokenException error = (status.lastFailure() != null) ? status.lastFailure()
				: (failure instanceof CdpTokenException tokenException) ? tokenException : null;
		details.put("reason", reason(error));
		if (error != null) {
			details.put("error", error.getMessage());
		}
		if (status.retryAt() != null) {
			details.put("failedAttempts", status.failedAttempts());
			details.put("backingOffUntil", status.retryAt().toString());
		}
		return new Result(false, details);
	}

	private static String reason(@Nullable CdpTokenException error) {
		if (error == null) {
			return "no access token";
		}
		if (error instanceof CdpCredentialsRejectedException) {
			return "credentials rejected";
		}
		if (error.getStatusCode() > 0) {
			// An endpoint that answers 503 or 429 is up: calling it unreachable sends an
			// operator to the network instead of to Sitecore's status page.
			return "token endpoint answered " + error.getStatusCode();
		}
		if (error instanceof CdpTokenEndpointUnreachableException
				|| error.getCause() instanceof CdpTokenEndpointUnreachableException) {
			return "token endpoint unreachable";
		}
		return "token endpoint error";
	}

	/**
	 * The outcome of a check.
	 *
	 * @param up whether the client can call Sitecore CDP
	 * @param details what the health endpoint shows
	 */
	public record Result(boolean up, Map<String, Object> details) {
	}

}

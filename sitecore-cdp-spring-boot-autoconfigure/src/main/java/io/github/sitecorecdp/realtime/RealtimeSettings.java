package io.github.sitecorecdp.realtime;

import java.net.URI;
import java.util.Objects;

/**
 * The values every real-time call carries, resolved from {@code sitecore.cdp.realtime.*}.
 * The client key is not a secret (Sitecore's browser SDK publishes it in every page), but
 * it is still left out of {@link #toString()} to keep logs tenant-neutral.
 *
 * @param baseUrl base URL of the regional API host
 * @param clientKey the tenant's client key
 * @param pointOfSale the point of sale, as configured in Sitecore
 * @param channel the channel used when a call names none
 * @param language the language used when a call names none (ISO 639-1, upper case)
 * @param currency the currency used when a call names none (ISO 4217)
 */
public record RealtimeSettings(URI baseUrl, String clientKey, String pointOfSale, Channel channel, String language,
		String currency) {

	public RealtimeSettings {
		Objects.requireNonNull(baseUrl, "baseUrl");
		Objects.requireNonNull(clientKey, "clientKey");
		Objects.requireNonNull(pointOfSale, "pointOfSale");
		Objects.requireNonNull(channel, "channel");
		Objects.requireNonNull(language, "language");
		Objects.requireNonNull(currency, "currency");
	}

	@Override
	public String toString() {
		return "RealtimeSettings[baseUrl=" + this.baseUrl + ", pointOfSale=" + this.pointOfSale + ", channel="
				+ this.channel + ", language=" + this.language + ", currency=" + this.currency + "]";
	}

}

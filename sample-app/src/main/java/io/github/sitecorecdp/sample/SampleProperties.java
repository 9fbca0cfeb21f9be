package io.github.sitecorecdp.sample;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the sample.
 *
 * @author sitecore-cdp-spring-boot
 */
@ConfigurationProperties("sample")
public class SampleProperties {

	/**
	 * Friendly id or UUID of the Audience export whose latest export is summarised.
	 */
	private String audienceExportRef = "demo-audience";

	/**
	 * Longest time the download of all files may take.
	 */
	private Duration downloadTimeout = Duration.ofMinutes(30);

	public String getAudienceExportRef() {
		return this.audienceExportRef;
	}

	public void setAudienceExportRef(String audienceExportRef) {
		this.audienceExportRef = audienceExportRef;
	}

	public Duration getDownloadTimeout() {
		return this.downloadTimeout;
	}

	public void setDownloadTimeout(Duration downloadTimeout) {
		this.downloadTimeout = downloadTimeout;
	}

}

package io.github.sitecorecdp.sample;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the sample.
 *
 * @author sitecore-cdp-spring-boot
 */
@ConfigurationProperties("sample")
public class SampleProperties {

	/**
	 * Friendly id or UUID of the Audience export whose latest export is printed.
	 */
	private String audienceExportRef = "demo-audience";

	public String getAudienceExportRef() {
		return this.audienceExportRef;
	}

	public void setAudienceExportRef(String audienceExportRef) {
		this.audienceExportRef = audienceExportRef;
	}

}

package io.github.sitecorecdp.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidSitecoreCdpPropertyException} into a startup report that names
 * the property and the fix, instead of a bean creation stack trace.
 *
 * @author sitecore-cdp-spring-boot
 */
class InvalidSitecoreCdpPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSitecoreCdpPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSitecoreCdpPropertyException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}

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
		return analysisOf(cause, cause);
	}

	/**
	 * Return the report of the problems: every refused property, each with what to do.
	 * @param problems the problems, as one exception
	 * @param cause the failure that stopped the start
	 * @return the report
	 */
	static FailureAnalysis analysisOf(InvalidSitecoreCdpPropertyException problems, Throwable cause) {
		return new FailureAnalysis(problems.getMessage(), problems.getAction(), cause);
	}

}

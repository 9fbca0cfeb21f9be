package io.github.sitecorecdp.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown at startup when {@code sitecore.cdp.*} properties are missing or wrong. Carries
 * what {@link InvalidSitecoreCdpPropertyFailureAnalyzer} prints: every property refused,
 * each with what is wrong and what to do.
 *
 * @author sitecore-cdp-spring-boot
 */
public class InvalidSitecoreCdpPropertyException extends RuntimeException {

	private final String property;

	private final String action;

	private final List<String> properties;

	InvalidSitecoreCdpPropertyException(String property, String description, String action) {
		super(description);
		this.property = property;
		this.action = action;
		this.properties = List.of(property);
	}

	private InvalidSitecoreCdpPropertyException(List<InvalidSitecoreCdpPropertyException> problems) {
		super(problems.size() + " Sitecore CDP properties are invalid:" + problems.stream()
			.map((problem) -> System.lineSeparator() + System.lineSeparator() + "- " + problem.getMessage())
			.collect(Collectors.joining()));
		this.property = problems.get(0).getProperty();
		this.action = problems.stream()
			.map((problem) -> "- " + problem.getAction())
			.collect(Collectors.joining(System.lineSeparator() + System.lineSeparator()));
		this.properties = problems.stream().map(InvalidSitecoreCdpPropertyException::getProperty).toList();
	}

	/**
	 * Return one exception for the problems: the problem itself when there is one.
	 * @param problems the problems, at least one, in the order found
	 * @return the exception to throw
	 */
	static InvalidSitecoreCdpPropertyException of(List<InvalidSitecoreCdpPropertyException> problems) {
		return (problems.size() == 1) ? problems.get(0) : new InvalidSitecoreCdpPropertyException(List.copyOf(problems));
	}

	/**
	 * Return the name of the (first) offending property, for example
	 * {@code sitecore.cdp.api-secret}.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return the names of every offending property, in the order they were checked.
	 * @return the property names
	 */
	public List<String> getProperties() {
		return this.properties;
	}

	/**
	 * Return what to do to fix the configuration.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}

package io.github.sitecorecdp.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.SystemEnvironmentOrigin;
import org.springframework.core.env.Environment;

/**
 * Finds settings under {@code sitecore.cdp.clients} that created no registration: Spring
 * Boot binds a registration only when one of its properties binds, and drops the rest
 * without a word. An environment variable of a registration whose name has a hyphen, a
 * misspelt property, or an application that counted on a registration that never
 * appeared, would otherwise call the wrong host (or none) at run time instead of failing
 * at startup by name.
 *
 * @author sitecore-cdp-spring-boot
 */
final class UnboundRegistrationSettings {

	private static final ConfigurationPropertyName CLIENTS = ConfigurationPropertyName.of("sitecore.cdp.clients");

	private static final String VARIABLE_PREFIX = "SITECORE_CDP_CLIENTS_";

	/** How a registration's own properties end an environment variable's name. */
	private static final List<String> VARIABLE_SUFFIXES = List.of("_API_KEY", "_APIKEY", "_API_SECRET",
			"_APISECRET", "_AUDIENCE", "_TOKEN_URI", "_TOKENURI", "_REGION", "_BASE_URL", "_BASEURL",
			"_CONNECT_TIMEOUT", "_CONNECTTIMEOUT", "_RESPONSE_TIMEOUT", "_RESPONSETIMEOUT", "_TOKEN_");

	private static final String PROPERTIES = "api-key, api-secret, audience, token-uri, region, base-url, "
			+ "connect-timeout, response-timeout and token.*";

	private UnboundRegistrationSettings() {
	}

	/**
	 * Return a problem for each registration name the environment mentions but that did
	 * not bind, once per name.
	 * @param environment the application's environment
	 * @param bound the names of the registrations that bound
	 * @return the problems, empty when every setting belongs to a registration
	 */
	static List<InvalidSitecoreCdpPropertyException> find(Environment environment, Set<String> bound) {
		Map<String, InvalidSitecoreCdpPropertyException> properties = new LinkedHashMap<>();
		// Every variable of a name, so that the application's operator fixes them all at
		// once instead of meeting them one restart at a time.
		Map<String, Set<String>> variables = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			iterable.stream().filter(CLIENTS::isAncestorOf).forEach((name) -> {
				String key = name.getElement(3, ConfigurationPropertyName.Form.ORIGINAL);
				if (bound.contains(key) || properties.containsKey(key)) {
					return;
				}
				String variable = variableName(iterable.getConfigurationProperty(name));
				if (variable == null) {
					if (!variables.containsKey(key)) {
						properties.put(key, unboundProperty(name, key));
					}
				}
				else if (!isOfBoundRegistration(variable, bound)) {
					variables.computeIfAbsent(key, (unused) -> new TreeSet<>()).add(variable);
				}
			});
		}
		List<InvalidSitecoreCdpPropertyException> problems = new ArrayList<>(properties.values());
		variables.forEach((key, names) -> problems.add(unboundVariables(names, key)));
		return problems;
	}

	private static InvalidSitecoreCdpPropertyException unboundProperty(ConfigurationPropertyName name, String key) {
		String prefix = CdpRegistration.prefixOf(key);
		return new InvalidSitecoreCdpPropertyException(name.toString(), name + " is set, but binds to no property of a "
				+ "registration, so there is no registration '" + key + "'.",
				"A registration takes " + PROPERTIES + ": correct the property's name, and set " + prefix
						+ "api-key and " + prefix + "api-secret.");
	}

	private static InvalidSitecoreCdpPropertyException unboundVariables(Set<String> variables, String key) {
		String first = variables.iterator().next();
		String meant = registrationNameOf(first.substring(VARIABLE_PREFIX.length()));
		String example = (meant != null) ? meant : "<name>";
		String named = (variables.size() == 1) ? "The environment variable " + first + " is"
				: "The environment variables " + String.join(", ", variables) + " are";
		return new InvalidSitecoreCdpPropertyException(CLIENTS + "." + key,
				named + " for a registration under " + CLIENTS
						+ ", but no registration takes " + ((variables.size() == 1) ? "it" : "them")
						+ ": Spring Boot reads a registration's name from an "
						+ "environment variable only up to the first underscore after CLIENTS ('" + key + "')"
						+ ((meant != null) ? ", and there is no registration '" + meant + "' to bind it to." : "."),
				// The key, by the variable that holds it: a region or base-url of its own would
				// also move the registration's API host away from the inherited one.
				"Name the registration in application.yml by its key, as "
						+ CdpRegistration.prefixOf(example) + "api-key: ${" + VARIABLE_PREFIX
						+ example.toUpperCase(Locale.ROOT).replace('-', '_') + "_API_KEY} (an empty '" + example
						+ ": {}' binds nothing); its other environment variables then bind to it.");
	}

	/**
	 * Whether the variable sets a property of a registration that bound: its name, in the
	 * form of an environment variable, then an underscore.
	 */
	private static boolean isOfBoundRegistration(String variable, Set<String> bound) {
		String rest = variable.substring(VARIABLE_PREFIX.length());
		return bound.stream()
			.map((name) -> name.toUpperCase(Locale.ROOT).replace('-', '_') + "_")
			.anyMatch(rest::startsWith);
	}

	private static @Nullable String registrationNameOf(String rest) {
		for (String suffix : VARIABLE_SUFFIXES) {
			int at = rest.indexOf(suffix);
			if (at > 0) {
				return rest.substring(0, at).toLowerCase(Locale.ROOT).replace('_', '-');
			}
		}
		return null;
	}

	/** The variable's name, upper case, when the setting comes from an environment variable. */
	private static @Nullable String variableName(@Nullable ConfigurationProperty property) {
		Origin origin = (property != null) ? property.getOrigin() : null;
		// An application's environment variables carry a SystemEnvironmentOrigin; a plain
		// property source a PropertySourceOrigin.
		String name = (origin instanceof SystemEnvironmentOrigin environmentOrigin) ? environmentOrigin.getProperty()
				: (origin instanceof PropertySourceOrigin propertySourceOrigin) ? propertySourceOrigin.getPropertyName()
						: null;
		if (name == null) {
			return null;
		}
		String variable = name.toUpperCase(Locale.ROOT);
		return variable.startsWith(VARIABLE_PREFIX) ? variable : null;
	}

}

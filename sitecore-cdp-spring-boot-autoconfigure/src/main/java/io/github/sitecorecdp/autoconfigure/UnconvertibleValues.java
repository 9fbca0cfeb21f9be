package io.github.sitecorecdp.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * Binds {@code sitecore.cdp} past every value that cannot be converted to its property's
 * type (an unknown region, a duration that is none), each becoming a problem that names
 * the property, the value and what is accepted. Spring Boot's binding stops at the first
 * such value, before any other property is checked; here each one keeps its default and
 * the rest binds, so that the validator can check it too.
 *
 * @author sitecore-cdp-spring-boot
 */
final class UnconvertibleValues extends AbstractBindHandler {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("sitecore.cdp");

	private static final ConfigurationPropertyName CLIENTS = PREFIX.append("clients");

	private final List<InvalidSitecoreCdpPropertyException> problems = new ArrayList<>();

	private final Set<String> registrations = new LinkedHashSet<>();

	private UnconvertibleValues() {
	}

	/**
	 * Binds {@code sitecore.cdp} from the environment into the properties, skipping the
	 * values that cannot be converted.
	 * @param environment the application's environment
	 * @param properties where the values go
	 * @return the values skipped
	 */
	static UnconvertibleValues bind(Environment environment, SitecoreCdpProperties properties) {
		UnconvertibleValues values = new UnconvertibleValues();
		Binder.get(environment).bind(PREFIX, Bindable.ofInstance(properties), values);
		return values;
	}

	/**
	 * Return a problem for each value skipped, in the order bound.
	 * @return the problems, empty when every value converted
	 */
	List<InvalidSitecoreCdpPropertyException> problems() {
		return this.problems;
	}

	/**
	 * Return the names of the registrations that set a value that was skipped: they may
	 * have bound nothing else, yet they are no setting without a registration.
	 * @return the registration names
	 */
	Set<String> registrations() {
		return this.registrations;
	}

	@Override
	public @Nullable Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
			Exception error) {
		this.problems.add(describe(name, context.getConfigurationProperty(), target, context.getSources()));
		if (CLIENTS.isAncestorOf(name)) {
			this.registrations.add(name.getElement(CLIENTS.getNumberOfElements(), ConfigurationPropertyName.Form.ORIGINAL));
		}
		// Skipped: the property keeps its default.
		return null;
	}

	/**
	 * Describe a value that cannot be converted to the type of its property.
	 * @param name the property's name
	 * @param property the value as configured, if known
	 * @param target the property's type
	 * @param sources where the properties come from, to see what else is set
	 * @return the problem
	 */
	static InvalidSitecoreCdpPropertyException describe(ConfigurationPropertyName name,
			@Nullable ConfigurationProperty property, Bindable<?> target,
			Iterable<ConfigurationPropertySource> sources) {
		// Never the value of a secret, unlike Spring Boot's own report.
		String shown = (property != null && !SecretProperties.isSecret(name.toString()))
				? name + " is '" + printable(property.getValue()) + "', which" : name.toString();
		Class<?> type = target.getType().resolve(Object.class);
		if (type == Region.class) {
			String prefix = name.toString().substring(0, name.toString().length() - "region".length());
			String set = "Set " + name + " to " + accepted(type) + " (the region of your Sitecore CDP tenant)";
			String baseUrl = prefix + "base-url";
			// The base URL overrides the region: with it set, the region can simply go.
			String action = isSet(ConfigurationPropertyName.of(baseUrl), sources)
					? set + ", or remove it: " + baseUrl + " is set and overrides it."
					: set + ", or set " + baseUrl + " to the API host.";
			return new InvalidSitecoreCdpPropertyException(name.toString(), shown + " is no Sitecore CDP region.",
					action);
		}
		return new InvalidSitecoreCdpPropertyException(name.toString(), shown + " is not " + what(type) + ".",
				"Set " + name + " to " + accepted(type) + ", or remove it to use the default.");
	}

	private static boolean isSet(ConfigurationPropertyName name, Iterable<ConfigurationPropertySource> sources) {
		for (ConfigurationPropertySource source : sources) {
			if (source.getConfigurationProperty(name) != null) {
				return true;
			}
		}
		return false;
	}

	private static String what(Class<?> type) {
		if (type == Duration.class) {
			return "a duration";
		}
		if (type == DataSize.class) {
			return "a data size";
		}
		if (type == URI.class) {
			return "a URL";
		}
		if (type.isEnum()) {
			return "one of its values";
		}
		return accepted(type);
	}

	private static String accepted(Class<?> type) {
		if (type == Duration.class) {
			return "a duration such as 10s, 500ms or 5m";
		}
		if (type == DataSize.class) {
			return "a size such as 10MB or 512KB";
		}
		if (type == URI.class) {
			return "an absolute URL such as https://host/path";
		}
		if (type.isEnum()) {
			// As configuration writes them, where Spring Boot's own report shows the
			// constants.
			return "one of " + Arrays.stream(type.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.collect(Collectors.joining(", "));
		}
		if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
			return "a whole number";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "true or false";
		}
		if (type == Path.class) {
			return "a path";
		}
		return "a value of type " + type.getSimpleName();
	}

	private static String printable(@Nullable Object value) {
		String text = String.valueOf(value);
		int authority = text.indexOf("//");
		int userInformation = text.lastIndexOf('@');
		if (authority >= 0 && userInformation > authority) {
			// A URL that cannot be read may still hold a password before its host.
			return text.substring(0, authority + 2) + "****" + text.substring(userInformation);
		}
		return text;
	}

}

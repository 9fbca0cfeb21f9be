package io.github.sitecorecdp.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.convert.ConversionService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defaults the property tables of the documentation state ({@code README.md} and the
 * pages under {@code docs/}, wherever the tables live) are the defaults the code has, and
 * the ones the configuration metadata shows in an IDE.
 */
class DocumentedDefaultsPromiseTests {

	/** {@code | `sitecore.cdp.x` | default | meaning |} */
	private static final Pattern ROW = Pattern.compile("^\\|\\s*`(sitecore\\.cdp\\.[^`]+)`\\s*\\|\\s*([^|]*?)\\s*\\|");

	/** A default stated in words, not as a value. */
	private static final Set<String> DESCRIBED_DEFAULTS = Set.of("sitecore.cdp.base-url",
			"sitecore.cdp.batch.spool-directory");

	private static final ConversionService conversion = ApplicationConversionService.getSharedInstance();

	private static final Map<String, String> documented = new LinkedHashMap<>();

	private static final Map<String, Map<String, Object>> metadata = new LinkedHashMap<>();

	@BeforeAll
	@SuppressWarnings("unchecked")
	static void readTablesAndMetadata() throws Exception {
		Path root = Path.of("..").toAbsolutePath().normalize();
		List<Path> pages = new ArrayList<>();
		pages.add(root.resolve("README.md"));
		Path docs = root.resolve("docs");
		if (Files.isDirectory(docs)) {
			try (Stream<Path> files = Files.list(docs)) {
				files.filter((file) -> file.toString().endsWith(".md")).sorted().forEach(pages::add);
			}
		}
		for (Path page : pages) {
			read(page);
		}
		try (InputStream in = DocumentedDefaultsPromiseTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("configuration metadata on the class path").isNotNull();
			Map<String, Object> json = JSONObjectUtils.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
			for (Object property : (List<Object>) json.get("properties")) {
				Map<String, Object> map = (Map<String, Object>) property;
				metadata.put((String) map.get("name"), map);
			}
		}
	}

	private static void read(Path page) throws IOException {
		if (!Files.exists(page)) {
			return;
		}
		for (String line : Files.readAllLines(page)) {
			Matcher row = ROW.matcher(line);
			if (row.find()) {
				String name = row.group(1);
				String stated = row.group(2);
				boolean meter = stated.startsWith("timer") || stated.startsWith("counter") || stated.startsWith("gauge");
				if (!meter && !name.contains("<name>")) {
					String earlier = documented.putIfAbsent(name, stated);
					assertThat(earlier).as("%s stated twice, differently (%s)", name, page).isIn(null, stated);
				}
			}
		}
	}

	@Test
	void whenTheTablesAreReadThenTheyListTheProperties() {
		// The configuration table and the Batch API's: a table that moved or changed its
		// layout must not leave this test with nothing to compare.
		assertThat(documented).hasSizeGreaterThanOrEqualTo(35)
			.containsKeys("sitecore.cdp.token.response-timeout", "sitecore.cdp.batch.max-wait");
	}

	@Test
	void whenATableStatesADefaultThenTheCodeHasIt() {
		BeanWrapper defaults = PropertyAccessorFactory.forBeanPropertyAccess(new SitecoreCdpProperties());
		Set<String> described = new TreeSet<>();
		documented.forEach((name, stated) -> {
			String path = beanPath(name);
			assertThat(defaults.isReadableProperty(path)).as("%s is a property", name).isTrue();
			Object actual = defaults.getPropertyValue(path);
			if (stated.startsWith("—")) {
				assertThat(isUnset(actual)).as("%s has no default (code: %s)", name, actual).isTrue();
			}
			else if (stated.matches("`[^`]+`")) {
				assertThat(actual).as("default of %s", name).isNotNull();
				assertThat(actual).as("default of %s in the code, documented as %s", name, stated)
					.isEqualTo(conversion.convert(unquote(stated), actual.getClass()));
			}
			else {
				described.add(name);
			}
		});
		assertThat(described).as("defaults stated in words").isEqualTo(new TreeSet<>(DESCRIBED_DEFAULTS));
	}

	@Test
	void whenATableStatesADefaultThenTheMetadataShowsIt() {
		BeanWrapper defaults = PropertyAccessorFactory.forBeanPropertyAccess(new SitecoreCdpProperties());
		documented.forEach((name, stated) -> {
			assertThat(metadata).as("metadata").containsKey(name);
			Object shown = metadata.get(name).get("defaultValue");
			if (stated.matches("`[^`]+`")) {
				Class<?> type = defaults.getPropertyValue(beanPath(name)).getClass();
				assertThat(shown).as("metadata default of %s", name).isNotNull();
				assertThat(conversion.convert(shown.toString(), type))
					.as("metadata default of %s, documented as %s", name, stated)
					.isEqualTo(conversion.convert(unquote(stated), type));
			}
			else if (stated.startsWith("—")) {
				assertThat(shown).as("metadata default of %s", name).isNull();
			}
		});
	}

	private static boolean isUnset(Object value) {
		return value == null || (value instanceof Collection<?> collection && collection.isEmpty());
	}

	private static String unquote(String stated) {
		return stated.substring(1, stated.length() - 1);
	}

	/** {@code sitecore.cdp.token.response-timeout} is {@code token.responseTimeout}. */
	private static String beanPath(String name) {
		String relative = name.substring("sitecore.cdp.".length());
		StringBuilder path = new StringBuilder();
		boolean upper = false;
		for (char c : relative.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				path.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return path.toString();
	}

}

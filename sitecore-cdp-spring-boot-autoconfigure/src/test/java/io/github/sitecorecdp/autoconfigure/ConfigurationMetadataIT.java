package io.github.sitecorecdp.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads {@code META-INF/spring-configuration-metadata.json} from the built jar, as an IDE
 * would, and checks that every bound {@code sitecore.cdp.*} property is documented.
 */
class ConfigurationMetadataIT {

	private static Map<String, Map<String, Object>> properties;

	private static List<Object> hints;

	@BeforeAll
	@SuppressWarnings("unchecked")
	static void readMetadataFromTheBuiltJar() throws Exception {
		Path jar = Path.of(System.getProperty("builtJar", "target/missing.jar"));
		assertThat(jar).as("built jar").exists();
		try (JarFile jarFile = new JarFile(jar.toFile())) {
			ZipEntry entry = jarFile.getEntry("META-INF/spring-configuration-metadata.json");
			assertThat(entry).as("metadata in %s", jar).isNotNull();
			try (InputStream in = jarFile.getInputStream(entry)) {
				Map<String, Object> metadata = JSONObjectUtils.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
				properties = new LinkedHashMap<>();
				for (Object property : (List<Object>) metadata.get("properties")) {
					Map<String, Object> map = (Map<String, Object>) property;
					properties.put((String) map.get("name"), map);
				}
				hints = (List<Object>) metadata.getOrDefault("hints", List.of());
			}
		}
	}

	@Test
	void whenEveryBoundPropertyIsListedThenEachHasADescription() {
		Map<String, Object> bound = new LinkedHashMap<>();
		collect("sitecore.cdp", new SitecoreCdpProperties(), bound);
		assertThat(bound).hasSizeGreaterThan(20);
		assertThat(properties.keySet()).containsAll(bound.keySet());
		for (String name : bound.keySet()) {
			assertThat((String) properties.get(name).get("description")).as("description of %s", name).isNotBlank();
		}
	}

	@Test
	void whenAPropertyHasADefaultThenTheMetadataShowsIt() {
		Map<String, Object> bound = new LinkedHashMap<>();
		collect("sitecore.cdp", new SitecoreCdpProperties(), bound);
		bound.forEach((name, value) -> {
			boolean hasDefault = value != null && !(value instanceof Collection<?> collection && collection.isEmpty());
			if (hasDefault) {
				assertThat(properties.get(name)).as("metadata of %s", name).containsKey("defaultValue");
			}
		});
	}

	@Test
	void whenRegionIsCompletedThenTheFourRegionsAreOffered() {
		assertThat(hints.toString()).contains("sitecore.cdp.region")
			.contains("value=eu")
			.contains("value=us")
			.contains("value=ap")
			.contains("value=jpe");
	}

	@Test
	void whenNamedRegistrationsAreCompletedThenTheMapAndExampleNamesAreDescribed() {
		assertThat(properties).containsKey("sitecore.cdp.clients");
		assertThat(properties.get("sitecore.cdp.clients").get("type").toString()).contains("SitecoreCdpProperties$Client");
		assertThat(properties.get("sitecore.cdp.clients")).containsKey("description");
		assertThat(hints.toString()).contains("sitecore.cdp.clients.keys")
			.contains("value=personalize")
			.contains("value=edge");
	}

	@Test
	void whenTheHealthCheckFlagIsCompletedThenItIsDescribedWithItsDefault() {
		assertThat(properties).containsKey("management.health.sitecore-cdp.enabled");
		assertThat(properties.get("management.health.sitecore-cdp.enabled")).containsEntry("defaultValue", true)
			.containsEntry("type", "java.lang.Boolean");
	}

	/**
	 * Walks the JavaBean the way the binder does: nested types declared inside
	 * {@link SitecoreCdpProperties} are groups, everything else is a property.
	 */
	private static void collect(String prefix, Object bean, Map<String, Object> into) {
		BeanWrapper wrapper = PropertyAccessorFactory.forBeanPropertyAccess(bean);
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(bean.getClass())) {
			if (descriptor.getReadMethod() == null || descriptor.getName().equals("class")) {
				continue;
			}
			String name = prefix + "." + kebab(descriptor.getName());
			Object value = wrapper.getPropertyValue(descriptor.getName());
			if (descriptor.getPropertyType().getDeclaringClass() == SitecoreCdpProperties.class
					&& !descriptor.getPropertyType().isEnum()) {
				collect(name, value, into);
			}
			else if (descriptor.getWriteMethod() != null) {
				into.put(name, value);
			}
		}
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
	}


}

package io.github.sitecorecdp.autoconfigure;

import java.io.File;
import java.util.HashMap;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The libraries the auto-configuration's conditions test for are optional here and brought
 * by the starter, as in Spring Boot's own modules: otherwise the conditions could never be
 * false for anyone who depends on this module.
 */
class OptionalDependenciesTests {

	@Test
	void whenTheModuleIsDeclaredThenTheConditionedLibrariesAreOptional() throws Exception {
		Map<String, Boolean> optional = dependencies(new File("pom.xml"));
		assertThat(optional).containsEntry("spring-webflux", true)
			.containsEntry("reactor-netty-http", true)
			.containsEntry("spring-security-oauth2-client", true)
			.containsEntry("spring-boot-actuator-autoconfigure", true)
			.containsEntry("micrometer-core", true);
		Map<String, Boolean> starter = dependencies(new File("../sitecore-cdp-spring-boot-starter/pom.xml"));
		assertThat(starter).containsKeys("spring-webflux", "reactor-netty-http", "spring-security-oauth2-client")
			.doesNotContainValue(true);
	}

	private static Map<String, Boolean> dependencies(File pom) throws Exception {
		Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom);
		Element project = document.getDocumentElement();
		Map<String, Boolean> optional = new HashMap<>();
		NodeList dependencies = project.getElementsByTagName("dependency");
		for (int i = 0; i < dependencies.getLength(); i++) {
			Element dependency = (Element) dependencies.item(i);
			if (dependency.getParentNode().getParentNode() != project) {
				continue;
			}
			String artifactId = dependency.getElementsByTagName("artifactId").item(0).getTextContent().trim();
			NodeList flag = dependency.getElementsByTagName("optional");
			optional.put(artifactId, flag.getLength() > 0 && Boolean.parseBoolean(flag.item(0).getTextContent().trim()));
		}
		return optional;
	}

}

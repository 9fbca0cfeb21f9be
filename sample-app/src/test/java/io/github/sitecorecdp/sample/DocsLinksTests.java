package io.github.sitecorecdp.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link and {@code #anchor} in README.md and docs/ leads somewhere: the file exists and,
 * for a Markdown page, the anchor is one of its headings (GitHub's slugs).
 */
class DocsLinksTests {

	private static final Pattern FENCE = Pattern.compile("^ *```.*?^ *```", Pattern.MULTILINE | Pattern.DOTALL);

	private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

	private static final Pattern HEADING = Pattern.compile("^#+ +(.*)$", Pattern.MULTILINE);

	/** Pages other changes add; the map names them already. */
	private static final Set<String> ANNOUNCED = Set.of("docs/events.md", "docs/flows.md");

	@Test
	void whenTheDocsLinkToAPageOrAnchorThenItExists() throws IOException {
		List<String> broken = new ArrayList<>();
		int checked = 0;
		for (Path page : ReadmeJavaSnippetsTests.pages()) {
			Matcher link = LINK.matcher(prose(page));
			while (link.find()) {
				String target = link.group(1);
				if (target.matches("[a-z]+:.*")) {
					continue;
				}
				checked++;
				int hash = target.indexOf('#');
				String file = (hash < 0) ? target : target.substring(0, hash);
				Path resolved = file.isEmpty() ? page : page.resolveSibling(file).normalize();
				String name = ReadmeJavaSnippetsTests.DOCS_ROOT.relativize(resolved).toString().replace('\\', '/');
				if (!Files.exists(resolved)) {
					if (!ANNOUNCED.contains(name)) {
						broken.add(page.getFileName() + ": " + target + " (no file " + name + ")");
					}
					continue;
				}
				if (hash >= 0 && name.endsWith(".md") && !anchors(resolved).contains(target.substring(hash + 1))) {
					broken.add(page.getFileName() + ": " + target + " (no heading with that anchor)");
				}
			}
		}
		assertThat(checked).as("relative links checked").isGreaterThan(10);
		assertThat(broken).as("broken links").isEmpty();
	}

	private static String prose(Path page) throws IOException {
		return FENCE.matcher(Files.readString(page)).replaceAll("");
	}

	/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
	static Set<String> anchors(Path page) throws IOException {
		Set<String> anchors = new HashSet<>();
		Matcher heading = HEADING.matcher(prose(page));
		while (heading.find()) {
			anchors.add(heading.group(1)
				.strip()
				.toLowerCase(Locale.ROOT)
				.replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
				.replace(' ', '-'));
		}
		return anchors;
	}

}

package io.github.sitecorecdp.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/guarantees.md names, for each promise of the documentation, the test that proves it as
 * {@code Class#method}. Each named class must be a test source of some module (its
 * {@code src/test/java}, or {@code src/test-boot3/java} or {@code src/test-boot4/java} for tests of one
 * Spring Boot line), and each named method a test method in it ({@code @Test} or another JUnit
 * test annotation), so that renaming or deleting a proving test fails the build instead of leaving a
 * promise unproven in silence. Entries under "Not yet proven" are counted, not checked.
 */
class GuaranteesListTests {

	private static final Path GUARANTEES = ReadmeJavaSnippetsTests.DOCS_ROOT.resolve("docs/guarantees.md");

	private static final Pattern REFERENCE = Pattern.compile("`([A-Z][\\w.]*)#(\\w+)`");

	/** JUnit Jupiter annotations that make a method a test. */
	private static final Pattern TEST_ANNOTATION = Pattern
		.compile("@(Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\\b");

	@Test
	void whenGuaranteesNameTestsThenEachIsARealTestMethod() throws IOException {
		Map<String, List<Path>> sources = testSources();
		List<String> problems = new ArrayList<>();
		int proven = 0;
		int unproven = 0;
		boolean inUnproven = false;
		for (String line : Files.readAllLines(GUARANTEES)) {
			if (line.startsWith("#")) {
				inUnproven = line.toLowerCase().contains("not yet proven");
				continue;
			}
			if (inUnproven) {
				if (line.startsWith("- ")) {
					unproven++;
				}
				continue;
			}
			if (!line.startsWith("|") || line.startsWith("|---") || line.startsWith("| Promise")) {
				continue;
			}
			Matcher reference = REFERENCE.matcher(line);
			boolean any = false;
			while (reference.find()) {
				any = true;
				String problem = check(sources, reference.group(1), reference.group(2));
				if (problem != null) {
					problems.add(problem);
				}
			}
			if (any) {
				proven++;
			}
			else {
				problems.add("a promise names no test as `Class#method`: " + line);
			}
		}
		System.out.printf("docs/guarantees.md: %d promises proven by a listed test, %d not yet proven%n", proven,
				unproven);
		assertThat(problems).as("tests named in docs/guarantees.md").isEmpty();
		assertThat(proven).as("promises with a test").isPositive();
	}

	private static String check(Map<String, List<Path>> sources, String className, String method) throws IOException {
		String simpleName = className.substring(className.lastIndexOf('.') + 1);
		String outer = className.contains(".") ? className.substring(0, className.indexOf('.')) : className;
		List<Path> files = sources.get(outer);
		if (files == null) {
			return className + "#" + method + ": no class " + outer + " in any module's src/test/java";
		}
		for (Path file : files) {
			String source = Files.readString(file);
			if (!outer.equals(simpleName) && !source.matches("(?s).*\\bclass " + simpleName + "\\b.*")) {
				continue;
			}
			Matcher declaration = Pattern.compile("\\bvoid " + method + "\\s*\\(").matcher(source);
			while (declaration.find()) {
				// The annotations and modifiers between the previous member and this declaration.
				int start = Math.max(Math.max(source.lastIndexOf(';', declaration.start()),
						source.lastIndexOf('}', declaration.start())), source.lastIndexOf('{', declaration.start()));
				if (TEST_ANNOTATION.matcher(source.substring(start + 1, declaration.start())).find()) {
					return null;
				}
			}
		}
		return className + "#" + method + ": no test method of that name in " + files;
	}

	/** Every test source file of every module, by its simple class name. */
	private static Map<String, List<Path>> testSources() throws IOException {
		Map<String, List<Path>> sources = new HashMap<>();
		try (Stream<Path> modules = Files.list(ReadmeJavaSnippetsTests.DOCS_ROOT)) {
			// src/test-boot3 and src/test-boot4 hold the tests that name one Spring Boot line's classes.
			for (Path testJava : modules
				.flatMap((module) -> Stream.of("src/test/java", "src/test-boot3/java", "src/test-boot4/java")
					.map(module::resolve))
				.filter(Files::isDirectory)
				.toList()) {
				try (Stream<Path> files = Files.walk(testJava)) {
					files.filter((file) -> file.toString().endsWith(".java")).forEach((file) -> {
						String name = file.getFileName().toString();
						sources.computeIfAbsent(name.substring(0, name.length() - ".java".length()),
								(key) -> new ArrayList<>())
							.add(file);
					});
				}
			}
		}
		return sources;
	}

}

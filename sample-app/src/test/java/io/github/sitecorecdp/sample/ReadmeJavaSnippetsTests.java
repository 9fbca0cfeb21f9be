package io.github.sitecorecdp.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Java snippet in README.md and in every page under docs/ compiles as it is pasted: against
 * the starter and the test kit, with the imports it shows and nothing else. A page with a Java block
 * that does not compile fails the build.
 */
class ReadmeJavaSnippetsTests {

	private static final Pattern SNIPPET = Pattern.compile("^( *)```java\\n(.*?)^\\1```", Pattern.MULTILINE | Pattern.DOTALL);

	/** The project root: the sample's tests run in sample-app/. */
	static final Path DOCS_ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final Pattern CLASS_NAME = Pattern.compile("^(?:public )?class (\\w+)", Pattern.MULTILINE);

	@Test
	void whenTheReadmeAndDocsSnippetsAreCompiledThenEachCompiles(@TempDir Path work) throws IOException {
		List<Path> pages = pages();
		assertThat(snippets(pages.get(0))).as("Java snippets in README.md").isNotEmpty();
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		int compiledSnippets = 0;
		for (Path page : pages) {
			List<String> snippets = snippets(page);
			for (int i = 0; i < snippets.size(); i++) {
				String snippet = snippets.get(i);
				if (snippet.contains("ImportHttpServices") && !ClassUtils.isPresent(
						"org.springframework.web.service.registry.ImportHttpServices", getClass().getClassLoader())) {
					// The page marks it as Spring Boot 4 only; the Boot 4 lines compile it.
					continue;
				}
				String where = DOCS_ROOT.relativize(page) + ", Java snippet " + (i + 1);
				Matcher name = CLASS_NAME.matcher(snippet);
				assertThat(name.find()).as("a class in %s:%n%s", where, snippet).isTrue();
				// A directory of its own per snippet: two pages may use the same class name.
				Path dir = Files.createDirectories(work.resolve("snippet-" + compiledSnippets));
				Path source = dir.resolve(name.group(1) + ".java");
				Files.writeString(source, snippet);
				DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
				try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
						StandardCharsets.UTF_8)) {
					// The test class path: a manifest-only jar whose Class-Path javac follows.
					List<String> options = List.of("-proc:none", "-d", dir.toString(), "-classpath",
							System.getProperty("java.class.path"));
					boolean compiled = compiler
						.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(source.toFile()))
						.call();
					assertThat(compiled).as("%s compiles:%n%s%n%s", where, snippet, describe(diagnostics)).isTrue();
				}
				compiledSnippets++;
			}
		}
		assertThat(compiledSnippets).as("Java snippets compiled in README.md and docs/").isGreaterThanOrEqualTo(3);
	}

	/** README.md first, then every Markdown page under docs/, in a stable order. */
	static List<Path> pages() throws IOException {
		List<Path> pages = new ArrayList<>();
		pages.add(DOCS_ROOT.resolve("README.md"));
		Path docs = DOCS_ROOT.resolve("docs");
		if (Files.isDirectory(docs)) {
			try (Stream<Path> files = Files.walk(docs)) {
				files.filter((file) -> file.toString().endsWith(".md")).sorted().forEach(pages::add);
			}
		}
		return pages;
	}

	static List<String> snippets(Path page) throws IOException {
		Matcher matcher = SNIPPET.matcher(Files.readString(page));
		List<String> snippets = new ArrayList<>();
		while (matcher.find()) {
			String indent = matcher.group(1);
			StringBuilder code = new StringBuilder();
			for (String line : matcher.group(2).split("\\n", -1)) {
				code.append(line.startsWith(indent) ? line.substring(indent.length()) : line).append('\n');
			}
			snippets.add(code.toString());
		}
		return snippets;
	}

	private static String describe(DiagnosticCollector<JavaFileObject> diagnostics) {
		StringBuilder out = new StringBuilder();
		for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
			out.append(diagnostic.getKind())
				.append(" line ")
				.append(diagnostic.getLineNumber())
				.append(": ")
				.append(diagnostic.getMessage(Locale.ROOT))
				.append('\n');
		}
		return out.toString();
	}

}

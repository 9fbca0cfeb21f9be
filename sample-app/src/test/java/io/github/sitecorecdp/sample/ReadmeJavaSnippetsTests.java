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
 * Every Java snippet in the README compiles as it is pasted: against the starter and the
 * test kit, with the imports it shows and nothing else.
 */
class ReadmeJavaSnippetsTests {

	private static final Pattern SNIPPET = Pattern.compile("^( *)```java\\n(.*?)^\\1```", Pattern.MULTILINE | Pattern.DOTALL);

	private static final Pattern CLASS_NAME = Pattern.compile("^(?:public )?class (\\w+)", Pattern.MULTILINE);

	@Test
	void whenTheReadmeSnippetsAreCompiledThenEachCompiles(@TempDir Path work) throws IOException {
		List<String> snippets = snippets(Path.of("../README.md"));
		assertThat(snippets).hasSizeGreaterThanOrEqualTo(3);
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		for (String snippet : snippets) {
			if (snippet.contains("ImportHttpServices") && !ClassUtils.isPresent(
					"org.springframework.web.service.registry.ImportHttpServices", getClass().getClassLoader())) {
				// The README marks it as Spring Boot 4 only; the Boot 4 lines compile it.
				continue;
			}
			Matcher name = CLASS_NAME.matcher(snippet);
			assertThat(name.find()).as("a class in%n%s", snippet).isTrue();
			Path source = work.resolve(name.group(1) + ".java");
			Files.writeString(source, snippet);
			DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
			try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
					StandardCharsets.UTF_8)) {
				// The test class path: a manifest-only jar whose Class-Path javac follows.
				List<String> options = List.of("-proc:none", "-d", work.toString(), "-classpath",
						System.getProperty("java.class.path"));
				boolean compiled = compiler
					.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(source.toFile()))
					.call();
				assertThat(compiled).as("README snippet compiles:%n%s%n%s", snippet, describe(diagnostics)).isTrue();
			}
		}
	}

	private static List<String> snippets(Path readme) throws IOException {
		Matcher matcher = SNIPPET.matcher(Files.readString(readme));
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

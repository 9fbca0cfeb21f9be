package io.github.sitecorecdp.fake;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The command line of {@link FakeSitecoreCdpServer}.
 *
 * @param ports the ports of the token endpoint, the API and the file host
 * @param controlPort the port of the control API
 * @param demoData whether to load the demo data
 * @param registrations the named registrations to give keys of their own
 * @param help whether only the usage was asked for
 */
record ServerOptions(Ports ports, int controlPort, boolean demoData, List<String> registrations, boolean help) {

	/** The first of the four ports when {@code --port} is not given. */
	static final int DEFAULT_PORT = 8089;

	static final String USAGE = """
			Usage: java -jar sitecore-cdp-fake-<version>-standalone.jar [options]
			  --port=N              first of four consecutive loopback ports (default 8089): token endpoint N,
			                        API N+1, file host N+2, control API N+3; 0 picks four free ports
			  --token-port=N        port of the token endpoint (overrides --port)
			  --api-port=N          port of the API
			  --file-port=N         port of the file host
			  --control-port=N      port of the control API
			  --registrations=a,b   named registrations (sitecore.cdp.clients.<name>) to give keys of their own
			  --demo-data           load the demo audience and the Personalize key
			  --help                print this and exit
			""";

	private static final List<String> PORT_OPTIONS = List.of("port", "token-port", "api-port", "file-port",
			"control-port");

	/**
	 * Read the command line: {@code --name=value} or {@code --name value}.
	 * @throws IllegalArgumentException naming the option that is wrong
	 */
	static ServerOptions parse(String... args) {
		Map<String, String> values = new LinkedHashMap<>();
		boolean demoData = false;
		boolean help = false;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (arg.equals("--demo-data")) {
				demoData = true;
				continue;
			}
			if (arg.equals("--help") || arg.equals("-h")) {
				help = true;
				continue;
			}
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Unexpected argument '" + arg + "'; options start with --");
			}
			int equals = arg.indexOf('=');
			String name = arg.substring(2, (equals >= 0) ? equals : arg.length());
			if (!PORT_OPTIONS.contains(name) && !name.equals("registrations")) {
				throw new IllegalArgumentException("Unknown option --" + name);
			}
			if (equals < 0 && i + 1 >= args.length) {
				throw new IllegalArgumentException("Option --" + name + " needs a value");
			}
			values.put(name, (equals >= 0) ? arg.substring(equals + 1) : args[++i]);
		}
		int base = port(values, "port", DEFAULT_PORT);
		if (base > 65535 - 3) {
			throw new IllegalArgumentException("--port=" + base + " leaves no room for the three ports after it");
		}
		int next = (base == 0) ? 0 : 1;
		Ports ports = new Ports(port(values, "token-port", base), port(values, "api-port", base + next),
				port(values, "file-port", base + 2 * next));
		int controlPort = port(values, "control-port", base + 3 * next);
		return new ServerOptions(ports, controlPort, demoData, registrations(values.get("registrations")), help);
	}

	private static int port(Map<String, String> values, String name, int fallback) {
		String value = values.get(name);
		if (value == null) {
			return fallback;
		}
		try {
			int port = Integer.parseInt(value.trim());
			if (port >= 0 && port <= 65535) {
				return port;
			}
		}
		catch (NumberFormatException ex) {
			// Reported below, with the option's name.
		}
		throw new IllegalArgumentException("--" + name + "=" + value + " is no port; use 0 to 65535");
	}

	private static List<String> registrations(@Nullable String value) {
		if (value == null) {
			return List.of();
		}
		List<String> names = new ArrayList<>();
		Arrays.stream(value.split(",")).map(String::trim).filter((name) -> !name.isEmpty()).forEach(names::add);
		return List.copyOf(names);
	}

}

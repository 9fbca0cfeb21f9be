package io.github.sitecorecdp.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo audience of the sample application: made-up guests, generated the same way
 * every time.
 *
 * @author sitecore-cdp-spring-boot
 */
final class DemoData {

	/** The demo Audience export's reference. */
	static final String AUDIENCE_EXPORT_REF = "demo-audience";

	private static final String[] FIRST_NAMES = { "Ada", "Bo", "Chen", "Dana", "Emil", "Fatima", "Gus", "Hana", "Ivo",
			"Jun", "Kai", "Lena", "Mo", "Nia", "Oren", "Pia" };

	private static final String[] CITIES = { "Copenhagen", "Lisbon", "Osaka", "Toronto", "Sydney", "Austin" };

	private DemoData() {
	}

	static void addTo(FakeCdpApi fake) {
		fake.audienceExport(AUDIENCE_EXPORT_REF)
			.addJob("demo-execution-0001")
			.addFile("add", guests(1, 1200))
			.addFile("add", guests(1201, 800))
			.addFile("remove", guests(5001, 150));
	}

	private static List<String> guests(int first, int count) {
		List<String> lines = new ArrayList<>(count);
		for (int n = first; n < first + count; n++) {
			String name = FIRST_NAMES[n % FIRST_NAMES.length];
			lines.add(String.format(Locale.ROOT,
					"{\"guestRef\":\"00000000-0000-4000-8000-%012d\",\"firstName\":\"%s\",\"email\":\"%s.%d@example.com\","
							+ "\"city\":\"%s\",\"orders\":%d}",
					n, name, name.toLowerCase(Locale.ROOT), n, CITIES[n % CITIES.length], n % 7));
		}
		return lines;
	}

}

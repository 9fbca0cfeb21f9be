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

	/** Three Personalize flow definitions, shaped like {@code GET /v3/flowDefinitions} answers. */
	private static final String FLOW_DEFINITIONS = "["
			+ "{\"ref\":\"5b7e1a52-0000-4000-8000-000000000001\",\"name\":\"Homepage hero\",\"type\":\"WEB_FLOW\","
			+ "\"status\":\"PRODUCTION\"},"
			+ "{\"ref\":\"5b7e1a52-0000-4000-8000-000000000002\",\"name\":\"Abandoned cart email\","
			+ "\"type\":\"TRIGGERED_EXPERIENCE\",\"status\":\"PRODUCTION\"},"
			+ "{\"ref\":\"5b7e1a52-0000-4000-8000-000000000003\",\"name\":\"Pricing page test\",\"type\":\"WEB_FLOW\","
			+ "\"status\":\"DRAFT\"}]";

	private DemoData() {
	}

	static void addTo(FakeTokenEndpoint tokens, FakeCdpApi fake) {
		// A second API key, as Sitecore issues per feature: Personalize flow definitions on the
		// same API host.
		tokens.addClient(FakeSitecoreCdp.PERSONALIZE_API_KEY, FakeSitecoreCdp.PERSONALIZE_API_SECRET,
				FakeTokenEndpoint.AUDIENCE, "personalize.flows:r");
		fake.stub("/v3/flowDefinitions", FLOW_DEFINITIONS);
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

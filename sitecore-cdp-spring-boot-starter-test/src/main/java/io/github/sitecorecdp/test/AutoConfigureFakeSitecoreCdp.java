package io.github.sitecorecdp.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.fake.MutableClock;

/**
 * Starts a {@link FakeSitecoreCdp} for a Spring test's application context and points
 * {@code sitecore.cdp.*} (API key and secret, token URI, base URL) at it, and
 * {@code sitecore.cdp.clients.<name>.*} for each of the {@link #registrations()}. The fake is a
 * bean of the context, so a test can inject it to add fixtures, inject failures and read
 * the journal; its journal and controls are reset before each test method, its fixtures
 * and issued tokens are kept.
 *
 * <pre class="code">
 * &#064;SpringBootTest
 * &#064;AutoConfigureFakeSitecoreCdp
 * class MyAudienceSyncTests {
 *
 *     &#064;Autowired
 *     FakeSitecoreCdp cdp;
 * }
 * </pre>
 *
 * @author sitecore-cdp-spring-boot
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureFakeSitecoreCdp {

	/**
	 * Whether to load the demo audience ({@code demo-audience}) into the fake.
	 * @return whether to add demo data
	 */
	boolean demoData() default false;

	/**
	 * Whether the fake and the starter share one {@link MutableClock}, registered as the
	 * {@code sitecoreCdpClock} bean, that stands still until the test moves it. Inject it to
	 * let a day of token lifetime pass instantly: tokens expire at the fake, and the
	 * starter refreshes them, on the same timeline.
	 * @return whether to share a test-controlled clock
	 */
	boolean mutableClock() default false;

	/**
	 * Names of the named registrations ({@code sitecore.cdp.clients.<name>}) to point at
	 * the fake, besides the default one. Each gets an API key of its own at the fake
	 * ({@code fake-<name>-key}, see {@link FakeSitecoreCdp#addRegistration}), so it is issued
	 * its own tokens, and its {@code api-key}, {@code api-secret}, {@code token-uri},
	 * {@code audience} and {@code base-url} are set, over what the application's own
	 * configuration says. Its other settings (timeouts, {@code token.*}) stay the
	 * application's.
	 * @return the registration names, such as {@code "personalize"}
	 */
	String[] registrations() default {};

}

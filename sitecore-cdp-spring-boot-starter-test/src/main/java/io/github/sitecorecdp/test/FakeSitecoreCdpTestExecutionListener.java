package io.github.sitecorecdp.test;

import io.github.sitecorecdp.fake.FakeSitecoreCdp;

import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Resets the journal and controls of the {@link FakeSitecoreCdp} that
 * {@link AutoConfigureFakeSitecoreCdp} started, before each test method, so that one test's injected failures and request counts do not leak into
 * the next. Registered in {@code META-INF/spring.factories}.
 *
 * @author sitecore-cdp-spring-boot
 */
class FakeSitecoreCdpTestExecutionListener extends AbstractTestExecutionListener {

	@Override
	public int getOrder() {
		// After dependency injection, before the test's own @BeforeEach methods.
		return 3000;
	}

	@Override
	public void beforeTestMethod(TestContext testContext) {
		if (!testContext.hasApplicationContext() || !TestContextAnnotationUtils
			.hasAnnotation(testContext.getTestClass(), AutoConfigureFakeSitecoreCdp.class)) {
			return;
		}
		ApplicationContext context = testContext.getApplicationContext();
		if (context.containsBean(FakeSitecoreCdpContextCustomizerFactory.BEAN_NAME)) {
			context.getBean(FakeSitecoreCdpContextCustomizerFactory.BEAN_NAME, FakeSitecoreCdp.class).reset();
		}
	}

}

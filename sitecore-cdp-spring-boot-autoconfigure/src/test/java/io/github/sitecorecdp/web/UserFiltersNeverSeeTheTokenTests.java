package io.github.sitecorecdp.web;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.sitecorecdp.autoconfigure.SitecoreCdpAutoConfiguration;
import io.github.sitecorecdp.fake.FakeCdpApi;
import io.github.sitecorecdp.fake.FakeTokenEndpoint;
import io.github.sitecorecdp.fake.RecordedCdpRequest;
import io.github.sitecorecdp.testsupport.EchoPath;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's own filters and interceptors (logging ones, say) come before ours, so
 * they apply to the CDP clients but never see the token.
 */
class UserFiltersNeverSeeTheTokenTests {

	@Test
	void whenTheAppsBuildersCarryAFilterAndAnInterceptorThenTheyRunButSeeNoToken() {
		try (FakeTokenEndpoint tokenEndpoint = FakeTokenEndpoint.start().credentials("key", "secret");
				FakeCdpApi api = FakeCdpApi.start(tokenEndpoint).stub("/**", EchoPath::json)) {
			new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SitecoreCdpAutoConfiguration.class))
				.withUserConfiguration(UserBuilders.class)
				.withPropertyValues("sitecore.cdp.api-key=key", "sitecore.cdp.api-secret=secret",
						"sitecore.cdp.token-uri=" + tokenEndpoint.uri(), "sitecore.cdp.base-url=" + api.baseUrl())
				.run((context) -> {
					context.getBean("cdpWebClient", WebClient.class)
						.get()
						.uri("/v2/web")
						.retrieve()
						.bodyToMono(String.class)
						.block(Duration.ofSeconds(10));
					context.getBean("cdpRestClient", RestClient.class).get().uri("/v2/rest").retrieve().body(String.class);
					UserBuilders builders = context.getBean(UserBuilders.class);
					assertThat(builders.seenByFilter).containsExactly("no token", "no token after the exchange");
					assertThat(builders.seenByInterceptor).containsExactly("no token", "no token after the exchange");
				});
			assertThat(tokenEndpoint.issuedTokens()).hasSize(1);
			assertThat(api.requests()).extracting(RecordedCdpRequest::bearerToken)
				.containsOnly(tokenEndpoint.issuedTokens().get(0));
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBuilders {

		final List<String> seenByFilter = new CopyOnWriteArrayList<>();

		final List<String> seenByInterceptor = new CopyOnWriteArrayList<>();

		@Bean
		WebClient.Builder webClientBuilder() {
			return WebClient.builder().filter((request, next) -> {
				this.seenByFilter.add(describe(request.headers()));
				return next.exchange(request)
					.doOnNext((response) -> this.seenByFilter.add(describe(request.headers()) + " after the exchange"));
			});
		}

		@Bean
		RestClient.Builder restClientBuilder() {
			return RestClient.builder().requestInterceptor((request, body, execution) -> {
				this.seenByInterceptor.add(describe(request.getHeaders()));
				ClientHttpResponse response = execution.execute(request, body);
				// Defect seen before: the token was written into the request object that
				// earlier interceptors hold, so they saw it once execute() returned.
				this.seenByInterceptor.add(describe(request.getHeaders()) + " after the exchange");
				return response;
			});
		}

		private static String describe(HttpHeaders headers) {
			String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
			return (authorization != null) ? authorization : "no token";
		}

	}

}

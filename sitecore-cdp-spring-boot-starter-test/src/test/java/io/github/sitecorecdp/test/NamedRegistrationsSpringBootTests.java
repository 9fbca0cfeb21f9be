package io.github.sitecorecdp.test;

import java.time.Duration;
import java.util.List;

import io.github.sitecorecdp.autoconfigure.CdpClients;
import io.github.sitecorecdp.fake.FakeSitecoreCdp;
import io.github.sitecorecdp.fake.RecordedCdpRequest;
import io.github.sitecorecdp.fake.RecordedCdpRequest.Kind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @AutoConfigureFakeSitecoreCdp(registrations = ...)}: each named registration of
 * the application gets a key of its own at the fake, and the fake sees which key each
 * call's token belongs to.
 */
@SpringBootTest(properties = {
		// What an application's own configuration says; the annotation must win.
		"sitecore.cdp.clients.edge.base-url=https://edge.sitecorecloud.io",
		"sitecore.cdp.clients.edge.audience=https://delivery.sitecore.cloud/tenant-1" })
@AutoConfigureFakeSitecoreCdp(registrations = { "personalize", "edge" })
class NamedRegistrationsSpringBootTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Autowired
	CdpClients clients;

	@Autowired
	FakeSitecoreCdp cdp;

	@Autowired
	Environment environment;

	@BeforeEach
	void stubPaths() {
		this.cdp.api().stub("/v3/flowDefinitions", "[]").stub("/v1/webhooks", "[]");
	}

	@Test
	void whenEachRegistrationCallsThenEachCarriesATokenOfItsOwnKey() {
		call("personalize", "/v3/flowDefinitions");
		call("edge", "/v1/webhooks");
		call(CdpClients.DEFAULT, "/v3/flowDefinitions");
		List<RecordedCdpRequest> calls = this.cdp.requests(Kind.API);
		assertThat(calls).extracting(RecordedCdpRequest::status).containsOnly(200);
		assertThat(calls).extracting((request) -> this.cdp.tokenEndpoint().apiKeyOf(request.bearerToken()).orElseThrow())
			.containsExactly("fake-personalize-key", "fake-edge-key", FakeSitecoreCdp.API_KEY);
		assertThat(calls).extracting(RecordedCdpRequest::bearerToken).doesNotHaveDuplicates();
	}

	@Test
	void whenOneRegistrationsTokenIsRevokedThenOnlyThatKeyAsksForANewOne() {
		call("personalize", "/v3/flowDefinitions");
		call("edge", "/v1/webhooks");
		String personalizeToken = this.cdp.requests(Kind.API).get(0).bearerToken();
		int tokenRequestsBefore = this.cdp.tokenRequestCount();
		this.cdp.tokenEndpoint().revoke(personalizeToken);
		call("personalize", "/v3/flowDefinitions");
		call("edge", "/v1/webhooks");
		List<RecordedCdpRequest> newTokenRequests = this.cdp.requests(Kind.TOKEN)
			.subList(tokenRequestsBefore, this.cdp.tokenRequestCount());
		assertThat(newTokenRequests).extracting((request) -> request.form().get("client_id"))
			.containsExactly(FakeSitecoreCdp.registrationApiKey("personalize"));
		assertThat(newTokenRequests.get(0).form()).containsEntry("client_secret",
				FakeSitecoreCdp.registrationApiSecret("personalize"));
	}

	@Test
	void whenRegistrationsAreNamedThenTheyPointAtTheFakeOverTheApplicationsSettings() {
		assertThat(this.clients.names()).containsExactlyInAnyOrder(CdpClients.DEFAULT, "personalize", "edge");
		assertThat(this.clients.baseUrl("edge")).isEqualTo(this.cdp.baseUrl());
		assertThat(this.environment.getProperty("sitecore.cdp.clients.edge.audience"))
			.isEqualTo(FakeSitecoreCdp.AUDIENCE);
		assertThat(this.environment.getProperty("sitecore.cdp.clients.personalize.token-uri"))
			.isEqualTo(this.cdp.tokenUri().toString());
	}

	private void call(String registration, String path) {
		this.clients.webClient(registration).get().uri(path).retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

	@SpringBootApplication
	static class UserApplication {

	}

}

package io.github.sitecorecdp.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The variants of CDP's error body that {@link CdpApiErrors} must read.
 */
class CdpApiErrorsTests {

	@Test
	void whenStatusIsANumberThenItIsKeptAsText() {
		CdpApiException ex = CdpApiErrors.toException(400, "GET /v2/x",
				"{\"status\":400,\"code\":400,\"message\":\"Bad\",\"developerMessage\":\"limit too high\","
						+ "\"moreInfoUrl\":\"https://doc\"}");
		assertThat(ex.getStatus()).isEqualTo("400");
		assertThat(ex.getCode()).isEqualTo(400);
		assertThat(ex.getCdpMessage()).isEqualTo("Bad");
		assertThat(ex.getDeveloperMessage()).isEqualTo("limit too high");
		assertThat(ex.getMoreInfoUrl()).isEqualTo("https://doc");
		assertThat(ex).hasMessage("Sitecore CDP answered 400 Bad Request to GET /v2/x: Bad (limit too high)");
	}

	@Test
	void whenStatusIsANameThenItIsKept() {
		CdpApiException ex = CdpApiErrors.toException(401, "GET /v2/x",
				"{\"status\":\"UNAUTHORIZED\",\"code\":\"401\",\"message\":\"Unauthorized\"}");
		assertThat(ex.getStatus()).isEqualTo("UNAUTHORIZED");
		assertThat(ex.getCode()).isEqualTo(401);
	}

	@Test
	void whenTheLinkHasItsOlderNameThenItIsRead() {
		CdpApiException ex = CdpApiErrors.toException(409, "PUT /v2.1/x", "{\"moreInfo\":\"https://older\"}");
		assertThat(ex.getMoreInfoUrl()).isEqualTo("https://older");
	}

	@Test
	void whenTheBodyIsNotJsonThenItIsQuotedInTheMessage() {
		CdpApiException ex = CdpApiErrors.toException(503, "GET /v2/x", "<html>upstream down</html>");
		assertThat(ex.getHttpStatus()).isEqualTo(503);
		assertThat(ex.getCdpMessage()).isNull();
		assertThat(ex).hasMessageContaining("503 Service Unavailable").hasMessageContaining("upstream down");
	}

	@Test
	void whenTheAnswerIs404ThenTheExceptionSaysNotFound() {
		assertThat(CdpApiErrors.toException(404, "GET /v2/x", "")).isInstanceOf(CdpNotFoundException.class);
	}

}

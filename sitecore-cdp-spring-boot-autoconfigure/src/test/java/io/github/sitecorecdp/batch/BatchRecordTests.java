package io.github.sitecorecdp.batch;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * A record as the line Sitecore reads.
 */
class BatchRecordTests {

	private static final UUID REF = UUID.fromString("7f3c1a52-0000-4000-8000-000000000001");

	@Test
	void whenARecordIsWrittenThenItIsOneMinifiedLineWithRefSchemaModeAndValue() {
		BatchRecord record = BatchRecord.of(REF, BatchSchema.GUEST, BatchMode.UPSERT,
				"{\n  \"email\" : \"a b@example.com\",\n  \"tags\" : [ \"x\", \"y\" ]\n}\n");
		assertThat(record.toJsonLine()).isEqualTo("{\"ref\":\"7f3c1a52-0000-4000-8000-000000000001\",\"schema\":\"guest\","
				+ "\"mode\":\"upsert\",\"value\":{\"email\":\"a b@example.com\",\"tags\":[\"x\",\"y\"]}}");
	}

	@Test
	void whenAStringHoldsEscapedQuotesAndBracketsThenTheyAreKept() {
		String value = "{\"note\":\"say \\\"hi\\\" { [ \\\\\"}";
		assertThat(BatchRecord.of(REF, BatchSchema.ORDER, BatchMode.INSERT, value).value()).isEqualTo(value);
	}

	@Test
	void whenTheValueIsNoSingleObjectThenItIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> BatchRecord.guest(BatchMode.INSERT, "[1,2]"))
			.withMessageContaining("JSON object");
		assertThatIllegalArgumentException().isThrownBy(() -> BatchRecord.guest(BatchMode.INSERT, "{\"a\":1"))
			.withMessageContaining("complete");
		assertThatIllegalArgumentException().isThrownBy(() -> BatchRecord.guest(BatchMode.INSERT, "{} {}"))
			.withMessageContaining("more after it");
		assertThatIllegalArgumentException().isThrownBy(() -> BatchRecord.guest(BatchMode.INSERT, "{\"a\":\"x\ny\"}"))
			.withMessageContaining("line break");
		assertThatIllegalArgumentException().isThrownBy(() -> BatchRecord.guest(BatchMode.INSERT, "  "))
			.withMessageContaining("complete");
	}

	@Test
	void whenARecordIsPrintedThenItsValueIsNot() {
		BatchRecord record = BatchRecord.of(REF, BatchSchema.TRACKING, BatchMode.MERGE, "{\"email\":\"a@example.com\"}");
		assertThat(record.toString()).contains(REF.toString()).contains("tracking").doesNotContain("example.com");
	}

	@Test
	void whenHelpersAreUsedThenEachGetsItsSchemaAndAFreshRef() {
		BatchRecord guest = BatchRecord.guest(BatchMode.INSERT, "{}");
		BatchRecord order = BatchRecord.order(BatchMode.UPSERT, "{}");
		BatchRecord event = BatchRecord.tracking(BatchMode.MERGE, "{}");
		assertThat(guest.schema()).isEqualTo(BatchSchema.GUEST);
		assertThat(order.schema()).isEqualTo(BatchSchema.ORDER);
		assertThat(event.schema()).isEqualTo(BatchSchema.TRACKING);
		assertThat(guest.ref()).isNotEqualTo(order.ref()).isNotEqualTo(event.ref());
	}

	@Test
	void whenAValueHoldsALoneSurrogateThenItIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BatchRecord.guest(BatchMode.INSERT, "{\"name\":\"a\uD800b\"}"))
			.withMessageContaining("surrogate");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BatchRecord.guest(BatchMode.INSERT, "{\"name\":\"a\uDC00\"}"))
			.withMessageContaining("surrogate");
	}

	@Test
	void whenASurrogatePairIsWellFormedThenItIsKept() {
		assertThat(BatchRecord.guest(BatchMode.INSERT, "{\"name\":\"\uD83D\uDE00\"}").value())
			.isEqualTo("{\"name\":\"\uD83D\uDE00\"}");
	}

	@Test
	void whenTheRefIsNullThenTheRecordIsRefused() {
		assertThatNullPointerException().isThrownBy(() -> BatchRecord.of(null, BatchSchema.GUEST, BatchMode.INSERT, "{}"))
			.withMessageContaining("ref");
	}

	@Test
	void whenAValueHoldsLineOrParagraphSeparatorsThenTheyAreEscapedLosslessly() {
		BatchRecord record = BatchRecord.of(REF, BatchSchema.GUEST, BatchMode.UPSERT, "{\"a\":\"x\u2028y\u2029z\"}");
		assertThat(record.toJsonLine()).doesNotContain("\u2028").doesNotContain("\u2029")
			.contains("x\\u2028y\\u2029z");
	}

}

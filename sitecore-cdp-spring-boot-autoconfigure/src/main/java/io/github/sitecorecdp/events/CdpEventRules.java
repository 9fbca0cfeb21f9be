package io.github.sitecorecdp.events;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Sitecore's rules for a Stream API event, as its event data model states them: every
 * event has a type and a page; IDENTITY needs {@code identifiers}, ADD a {@code product},
 * CONFIRM a {@code product} list, CHECKOUT a {@code reference_id} and {@code status},
 * PAYMENT a {@code pay_type}, ORDER_CHECKOUT an {@code order}; custom types are upper
 * case, do not start with {@code SC_} and are not a Sitecore type; {@code ext} is flat,
 * at most 50 attributes of strings, booleans and numbers. Sitecore answers 201 to some
 * events it then drops, so the rules are checked before sending, where the caller still
 * hears of it.
 */
final class CdpEventRules {

	static final int MAX_EXT_ATTRIBUTES = 50;

	private static final Set<String> SITECORE_TYPES = Set.of("VIEW", "IDENTITY", "ADD", "CONFIRM", "CHECKOUT",
			"PAYMENT", "CLEAR_CART", "ORDER_CHECKOUT", "SEARCH", "SESSION_START", "SESSION_END", "FORCE_CLOSE",
			"TRACKING");

	private static final Pattern CUSTOM_TYPE = Pattern.compile("[A-Z][A-Z0-9_]*");

	private static final Pattern LANGUAGE = Pattern.compile("[A-Z]{2}");

	private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

	private static final Set<String> CHECKOUT_STATUSES = Set.of("PURCHASED", "PAYMENT_PENDING", "CONFIRMED",
			"CANCELLED", "REFUNDED");

	private static final List<String> PRODUCT_FIELDS = List.of("type", "item_id", "name", "orderedAt", "quantity",
			"price", "productId", "currency", "referenceId");

	private static final List<String> ORDER_FIELDS = List.of("referenceId", "orderedAt", "status", "currencyCode",
			"price");

	private CdpEventRules() {
	}

	/**
	 * Check an event.
	 * @param event the event
	 * @return an estimate of its size in bytes, for the queue's bound
	 * @throws InvalidCdpEventException when a rule is broken
	 */
	static int check(CdpEvent event) {
		String type = event.type();
		if (event.page().isBlank()) {
			throw refused(type, "has no page: Sitecore requires one on every event.");
		}
		if (event.language() != null && !LANGUAGE.matcher(event.language()).matches()) {
			throw refused(type, "has the language '" + event.language()
					+ "', but Sitecore takes an ISO 639-1 code in upper case, such as EN.");
		}
		if (event.currency() != null && !CURRENCY.matcher(event.currency()).matches()) {
			throw refused(type, "has the currency '" + event.currency()
					+ "', but Sitecore takes an ISO 4217 code in upper case, such as EUR.");
		}
		Map<String, @Nullable Object> fields = event.fields();
		if (event.isCustom()) {
			checkCustomType(type);
			return 256 + type.length() + event.page().length() + size(fields) + checkExt(type, event.ext());
		}
		switch (type) {
			case "VIEW", "CLEAR_CART" -> {
			}
			case "IDENTITY" -> {
				if (!(fields.get("identifiers") instanceof Collection<?> identifiers) || identifiers.isEmpty()) {
					throw refused(type, "has no identifiers: data model 2.1 resolves a guest from identifiers only.");
				}
			}
			case "ADD" -> requireFields(type, "product", fields.get("product"), PRODUCT_FIELDS);
			case "CONFIRM" -> {
				if (!(fields.get("product") instanceof Collection<?> products) || products.isEmpty()) {
					throw refused(type, "has no products: a CONFIRM lists the item_id of each product confirmed.");
				}
			}
			case "CHECKOUT" -> {
				requireText(type, "reference_id", fields.get("reference_id"));
				Object status = fields.get("status");
				if (!(status instanceof String text) || !CHECKOUT_STATUSES.contains(text)) {
					throw refused(type, "has the status '" + status + "', but Sitecore takes one of "
							+ String.join(", ", CHECKOUT_STATUSES.stream().sorted().toList()) + ".");
				}
			}
			case "PAYMENT" -> requireText(type, "pay_type", fields.get("pay_type"));
			case "ORDER_CHECKOUT" -> requireFields(type, "order", fields.get("order"), ORDER_FIELDS);
			default -> checkCustomType(type);
		}
		return 256 + type.length() + event.page().length() + size(fields) + checkExt(type, event.ext());
	}

	private static void checkCustomType(String type) {
		if (!CUSTOM_TYPE.matcher(type).matches()) {
			throw refused(type, "is not a valid custom type: custom types are upper case letters, digits and "
					+ "underscores, starting with a letter, such as ORDER_SHIPPED.");
		}
		if (type.startsWith("SC_")) {
			throw refused(type, "starts with SC_, which Sitecore keeps for its own types: choose another name.");
		}
		if (SITECORE_TYPES.contains(type)) {
			throw refused(type, "is a type of Sitecore's own, reserved: use its factory method on CdpEvent.");
		}
	}

	private static int checkExt(String type, Map<String, @Nullable Object> ext) {
		if (ext.size() > MAX_EXT_ATTRIBUTES) {
			throw refused(type, "has " + ext.size() + " ext attributes, but Sitecore takes at most "
					+ MAX_EXT_ATTRIBUTES + ".");
		}
		int size = 0;
		for (Map.Entry<String, @Nullable Object> attribute : ext.entrySet()) {
			Object value = attribute.getValue();
			if (attribute.getKey().isBlank()) {
				throw refused(type, "has an ext attribute without a name.");
			}
			if (!(value instanceof String || value instanceof Boolean || value instanceof Number)) {
				throw refused(type, "has the ext attribute '" + attribute.getKey() + "' of type "
						+ ((value != null) ? value.getClass().getSimpleName() : "null")
						+ ", but ext is flat: each value must be a string, boolean or number.");
			}
			size += attribute.getKey().length() + String.valueOf(value).length() + 6;
		}
		return size;
	}

	private static void requireFields(String type, String name, @Nullable Object value, List<String> required) {
		if (!(value instanceof Map<?, ?> map)) {
			throw refused(type, "has no " + name + ".");
		}
		for (String field : required) {
			if (map.get(field) == null) {
				throw refused(type, "has a " + name + " without '" + field + "', which Sitecore requires.");
			}
		}
	}

	private static void requireText(String type, String name, @Nullable Object value) {
		if (!(value instanceof String text) || text.isBlank()) {
			throw refused(type, "has no " + name + ", which Sitecore requires.");
		}
	}

	private static int size(Map<String, @Nullable Object> fields) {
		// An estimate, cheap and proportional: the exact size is known only once written.
		int size = 0;
		for (Map.Entry<String, @Nullable Object> field : fields.entrySet()) {
			size += field.getKey().length() + 6 + sizeOf(field.getValue());
		}
		return size;
	}

	private static int sizeOf(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			int size = 2;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				size += String.valueOf(entry.getKey()).length() + 6 + sizeOf(entry.getValue());
			}
			return size;
		}
		if (value instanceof Collection<?> items) {
			int size = 2;
			for (Object item : items) {
				size += sizeOf(item) + 1;
			}
			return size;
		}
		return String.valueOf(value).length() + 2;
	}

	private static InvalidCdpEventException refused(String type, String reason) {
		return new InvalidCdpEventException("The " + type + " event " + reason);
	}

}

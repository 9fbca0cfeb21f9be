package io.github.sitecorecdp.events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.sitecorecdp.realtime.Channel;
import org.jspecify.annotations.Nullable;

/**
 * One Stream API event, immutable: each {@code with...} method returns a copy. The
 * channel, language, currency and point of sale default to {@code sitecore.cdp.realtime.*};
 * the browser ref is the visitor's. Checked against Sitecore's rules at
 * {@link CdpEventSender#send send}, which refuses a bad event with an
 * {@link InvalidCdpEventException}.
 *
 * @author sitecore-cdp-spring-boot
 */
public final class CdpEvent {

	private final String type;

	private final String page;

	private final @Nullable Channel channel;

	private final @Nullable String language;

	private final @Nullable String currency;

	private final Map<String, @Nullable Object> fields;

	private final Map<String, @Nullable Object> ext;

	// A custom type is checked as one even when it spells a Sitecore type.
	private final boolean custom;

	private CdpEvent(boolean custom, String type, String page, @Nullable Channel channel, @Nullable String language,
			@Nullable String currency, Map<String, @Nullable Object> fields, Map<String, @Nullable Object> ext) {
		this.type = Objects.requireNonNull(type, "type");
		this.page = Objects.requireNonNull(page, "page");
		this.channel = channel;
		this.language = language;
		this.currency = currency;
		this.fields = fields;
		this.ext = ext;
		this.custom = custom;
	}

	private static CdpEvent of(String type, String page) {
		return new CdpEvent(false, type, page, null, null, null, Map.of(), Map.of());
	}

	/**
	 * A page or screen was viewed.
	 * @param page the page's name or path
	 * @return the event
	 */
	public static CdpEvent view(String page) {
		return of("VIEW", page);
	}

	/**
	 * The visitor identified themselves (a login, a sign-up): joins the visitor's browser
	 * to the guest the identifiers resolve to.
	 * @param page the page's name or path
	 * @param identifiers at least one identifier
	 * @return the event
	 */
	public static CdpEvent identity(String page, Identifier... identifiers) {
		List<Map<String, @Nullable Object>> list = new ArrayList<>();
		for (Identifier identifier : identifiers) {
			Map<String, @Nullable Object> item = new LinkedHashMap<>();
			item.put("id", identifier.id());
			item.put("provider", identifier.provider());
			if (identifier.expiryDate() != null) {
				item.put("expiry_date", identifier.expiryDate());
			}
			list.add(item);
		}
		return of("IDENTITY", page).with("identifiers", list);
	}

	/**
	 * A product was added to the cart.
	 * @param page the page's name or path
	 * @param product the product ({@code type}, {@code item_id}, {@code name},
	 * {@code orderedAt}, {@code quantity}, {@code price}, {@code productId},
	 * {@code currency}, {@code referenceId}; optionally {@code originalPrice},
	 * {@code originalCurrencyCode})
	 * @return the event
	 */
	public static CdpEvent add(String page, Map<String, ?> product) {
		return of("ADD", page).with("product", product);
	}

	/**
	 * The cart's products were confirmed.
	 * @param page the page's name or path
	 * @param itemIds the {@code item_id} of each product, at least one
	 * @return the event
	 */
	public static CdpEvent confirm(String page, List<String> itemIds) {
		List<Map<String, Object>> products = new ArrayList<>();
		itemIds.forEach((id) -> products.add(Map.of("item_id", id)));
		return of("CONFIRM", page).with("product", products);
	}

	/**
	 * The order was checked out.
	 * @param page the page's name or path
	 * @param referenceId the order's reference
	 * @param status one of PURCHASED, PAYMENT_PENDING, CONFIRMED, CANCELLED, REFUNDED
	 * @return the event
	 */
	public static CdpEvent checkout(String page, String referenceId, String status) {
		return of("CHECKOUT", page).with("reference_id", referenceId).with("status", status);
	}

	/**
	 * The order was paid.
	 * @param page the page's name or path
	 * @param payType the payment type, such as {@code Card}
	 * @return the event
	 */
	public static CdpEvent payment(String page, String payType) {
		return of("PAYMENT", page).with("pay_type", payType);
	}

	/**
	 * The cart was emptied.
	 * @param page the page's name or path
	 * @return the event
	 */
	public static CdpEvent clearCart(String page) {
		return of("CLEAR_CART", page);
	}

	/**
	 * An order was placed, with its items.
	 * @param page the page's name or path
	 * @param order the order ({@code referenceId}, {@code orderedAt}, {@code status},
	 * {@code currencyCode}, {@code price}, {@code paymentType}, {@code cardType},
	 * {@code extensions}, {@code orderItems})
	 * @return the event
	 */
	public static CdpEvent orderCheckout(String page, Map<String, ?> order) {
		return of("ORDER_CHECKOUT", page).with("order", order);
	}

	/**
	 * An event of the application's own type: upper case, not starting with {@code SC_}
	 * and not one of Sitecore's types.
	 * @param type the type
	 * @param page the page's name or path
	 * @return the event
	 */
	public static CdpEvent custom(String type, String page) {
		return new CdpEvent(true, type, page, null, null, null, Map.of(), Map.of());
	}

	/**
	 * Return a copy with a further top-level field, such as {@code referrer} on a VIEW or
	 * {@code email} on an IDENTITY.
	 * @param name the field's name as Sitecore spells it
	 * @param value its value: a string, number, boolean, list or map
	 * @return the copy
	 */
	public CdpEvent with(String name, @Nullable Object value) {
		Map<String, @Nullable Object> copy = new LinkedHashMap<>(this.fields);
		copy.put(Objects.requireNonNull(name, "name"), value);
		return new CdpEvent(this.custom, this.type, this.page, this.channel, this.language, this.currency,
				Collections.unmodifiableMap(copy), this.ext);
	}

	/**
	 * Return a copy with an {@code ext} attribute: at most 50, flat, each a string,
	 * boolean or number.
	 * @param name the attribute's name (camelCase)
	 * @param value its value
	 * @return the copy
	 */
	public CdpEvent withExt(String name, @Nullable Object value) {
		Map<String, @Nullable Object> copy = new LinkedHashMap<>(this.ext);
		copy.put(Objects.requireNonNull(name, "name"), value);
		return new CdpEvent(this.custom, this.type, this.page, this.channel, this.language, this.currency, this.fields,
				Collections.unmodifiableMap(copy));
	}

	/**
	 * Return a copy sent on another channel than the configured one.
	 * @param channel the channel
	 * @return the copy
	 */
	public CdpEvent withChannel(Channel channel) {
		return new CdpEvent(this.custom, this.type, this.page, channel, this.language, this.currency, this.fields, this.ext);
	}

	/**
	 * Return a copy in another language than the configured one.
	 * @param language ISO 639-1, upper case, such as {@code DE}
	 * @return the copy
	 */
	public CdpEvent withLanguage(String language) {
		return new CdpEvent(this.custom, this.type, this.page, this.channel, language, this.currency, this.fields, this.ext);
	}

	/**
	 * Return a copy in another currency than the configured one.
	 * @param currency ISO 4217, such as {@code USD}
	 * @return the copy
	 */
	public CdpEvent withCurrency(String currency) {
		return new CdpEvent(this.custom, this.type, this.page, this.channel, this.language, currency, this.fields, this.ext);
	}

	/**
	 * Return whether the event is of the application's own type.
	 * @return whether it was made by {@link #custom}
	 */
	public boolean isCustom() {
		return this.custom;
	}

	public String type() {
		return this.type;
	}

	public String page() {
		return this.page;
	}

	public @Nullable Channel channel() {
		return this.channel;
	}

	public @Nullable String language() {
		return this.language;
	}

	public @Nullable String currency() {
		return this.currency;
	}

	/**
	 * Return the type's own top-level fields.
	 * @return the fields, read-only
	 */
	public Map<String, @Nullable Object> fields() {
		return this.fields;
	}

	/**
	 * Return the {@code ext} attributes.
	 * @return the attributes, read-only
	 */
	public Map<String, @Nullable Object> ext() {
		return this.ext;
	}

	@Override
	public String toString() {
		return "CdpEvent[type=" + this.type + ", page=" + this.page + "]";
	}

}

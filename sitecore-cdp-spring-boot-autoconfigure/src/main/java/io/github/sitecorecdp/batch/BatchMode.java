package io.github.sitecorecdp.batch;

import java.util.Locale;

/**
 * How Sitecore applies a batch record, its {@code mode} field. The meanings are those of
 * Sitecore's "Sitecore CDP batch file format requirements" page (data model 2.1),
 * <a href="https://doc.sitecore.com/cdp/en/developers/sitecore-customer-data-platform--data-model-2-1/sitecore-cdp-batch-file-format-requirements.html">doc.sitecore.com</a>.
 * The Batch API's error-log page lists more modes ({@code create}, {@code delete},
 * {@code gdpr_delete}) that this enum does not offer.
 *
 * @author sitecore-cdp-spring-boot
 */
public enum BatchMode {

	/**
	 * In Sitecore's words, "overwrites everything belonging to the existing entity resulting
	 * in a new one being created": an existing entity is replaced, not refused, and fields
	 * the record leaves out are lost.
	 */
	INSERT,

	/**
	 * In Sitecore's words, "updates the existing entity only with the fields set in the
	 * request. If the entity does not exist, a new one is created": fields the record leaves
	 * out are kept. For a guest, the record needs only enough to identify the guest and the
	 * fields to change.
	 */
	UPSERT,

	/**
	 * In Sitecore's words, "applies specific merge rules to how the fields are updated"; for
	 * a guest, the record must hold every field that makes the entity valid, as the result
	 * must be a valid entity.
	 */
	MERGE;

	/**
	 * Return the value Sitecore expects in the file.
	 * @return {@code insert}, {@code upsert} or {@code merge}
	 */
	public String wireValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}

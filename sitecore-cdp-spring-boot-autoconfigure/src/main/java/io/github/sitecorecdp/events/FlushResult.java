package io.github.sitecorecdp.events;

/**
 * What a {@link CdpEventSender#flush flush} saw.
 *
 * @param remaining events enqueued before the flush that were neither acknowledged nor
 * failed when it returned; 0 when it completed
 * @author sitecore-cdp-spring-boot
 */
public record FlushResult(long remaining) {

	/**
	 * Return whether every event enqueued before the flush was settled.
	 * @return whether nothing is left
	 */
	public boolean completed() {
		return this.remaining == 0;
	}

}

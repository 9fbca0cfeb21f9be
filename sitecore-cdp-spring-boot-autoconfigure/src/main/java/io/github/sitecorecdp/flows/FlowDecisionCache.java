package io.github.sitecorecdp.flows;

import java.lang.reflect.Type;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Decisions of flows that are not personal (the same answer for everyone asking with the
 * same identity and params), kept for a short time so that a busy page does not call
 * Personalize for each view. Only decisions are kept, never a fallback. The default,
 * {@link CaffeineFlowDecisionCache}, exists when {@code sitecore.cdp.flows.cache.flows}
 * names flows and Caffeine is on the class path.
 *
 * @author sitecore-cdp-spring-boot
 */
public interface FlowDecisionCache {

	/** A cache that caches nothing. */
	FlowDecisionCache NONE = new FlowDecisionCache() {

		@Override
		public boolean caches(String friendlyId) {
			return false;
		}

		@Override
		public @Nullable Object find(Key key) {
			return null;
		}

		@Override
		public void save(Key key, Object decision) {
		}

	};

	/**
	 * Whether decisions of a flow may be kept.
	 * @param friendlyId the flow
	 * @return {@code true} when its decisions may be cached
	 */
	boolean caches(String friendlyId);

	/**
	 * Return a kept decision.
	 * @param key the call
	 * @return the decision, or {@code null} when none is kept
	 */
	@Nullable Object find(Key key);

	/**
	 * Keep a decision Personalize answered.
	 * @param key the call
	 * @param decision the decision; shared by every caller it is found for, so it is best
	 * immutable
	 */
	void save(Key key, Object decision);

	/**
	 * A call, as far as its decision depends on it: the flow, who it ran for, its params,
	 * and the type the decision was read as (the same answer read as two types is two
	 * entries).
	 *
	 * @param friendlyId the flow
	 * @param identity who the flow ran for
	 * @param params the flow's params
	 * @param type the decision's type
	 */
	record Key(String friendlyId, FlowIdentity identity, Map<String, ?> params, Type type) {

		public Key {
			// Copied: a caller changing its map afterwards must not change a kept key.
			params = Collections.unmodifiableMap(new HashMap<>(params));
		}

		@Override
		public String toString() {
			// The identity may be personal data: the key shows the flow only.
			return "Key[" + this.friendlyId + "]";
		}

	}

}

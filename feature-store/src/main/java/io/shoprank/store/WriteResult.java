package io.shoprank.store;

/**
 * Outcome of one batch.
 *
 * @param applied writes that replaced the stored value
 * @param stale   writes skipped because Redis already held the same or a newer version
 */
public record WriteResult(int applied, int stale) {

    public static final WriteResult NONE = new WriteResult(0, 0);
}

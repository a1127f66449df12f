package io.shoprank.store;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One value for the writer to put into Redis: a feature hash or a ranked list.
 *
 * <p>Shaped as a Flink POJO (public no-arg constructor, public fields of basic and array types only) so
 * the job serialises it without Kryo, while this module stays free of Flink.
 *
 * <p>Scores must be finite: NaN and infinities are rejected with {@link IllegalArgumentException}
 * (by the factories, and again by {@link #validate()} when the writer receives it), because they have
 * no JSON representation and would corrupt the meta hash for every reader.
 */
public class StoreWrite {

    /** What the write targets; decides the key and the Redis type. */
    public enum Kind {
        USER_FEATURES, ITEM_FEATURES, RECOMMENDATIONS, SIMILAR_ITEMS, TRENDING, CATEGORY_TRENDING;

        /** True for the ranked-list kinds (list key plus meta hash), false for feature hashes. */
        public boolean isList() {
            return this != USER_FEATURES && this != ITEM_FEATURES;
        }
    }

    /** Hash fields the writer sets itself on every feature hash and meta hash. */
    static final Set<String> RESERVED_FIELDS = Set.of("v", "ts");

    public Kind kind;
    /** User, item or category id; "" for {@link Kind#TRENDING}. */
    public String id;
    /** Monotone per key: a write whose version is not above the stored one is skipped. Must be >= 0. */
    public long version;
    /** Event time (epoch ms) the value is fresh as of. */
    public long asOfTs;
    /** Wall-clock ms when the triggering event entered the job, 0 when unknown; only for metrics. */
    public long ingestMs;
    /** Wall-clock TTL for the key(s) in ms; 0 means no TTL. */
    public long ttlMs;
    public String[] fieldNames;
    public String[] fieldValues;
    /** Item ids, best first. */
    public String[] items;
    /** Aligned with {@link #items}. */
    public double[] scores;
    /** Aligned with {@link #items}, may be null or contain nulls (stored as ""). */
    public String[] reasons;
    /**
     * A user's list only, may be null: the user's latest excluded (seen or bought) items, at most
     * the job's {@code --max-seen-items}, which a read-time refresh of the list skips.
     */
    public String[] exclude;
    /**
     * A user's list only, may be null: the user's latest items, most recent first, whose current similar-items
     * lists a read-time refresh recomputes the co-visitation entries from ({@link ListRefresh}).
     */
    public String[] seeds;
    /** A user's list only, may be null: how a read-time refresh orders the list ({@link ListRefresh.Order#field}). */
    public String staleOrder;

    public StoreWrite() {
    }

    /** A feature hash write; validated. */
    public static StoreWrite features(Kind kind, String id, long version, long asOfTs, long ttlMs,
                                      String[] names, String[] values) {
        StoreWrite w = header(kind, id, version, asOfTs, ttlMs);
        w.fieldNames = names;
        w.fieldValues = values;
        w.validate();
        return w;
    }

    /** A ranked-list write; validated. */
    public static StoreWrite list(Kind kind, String id, long version, long asOfTs, long ttlMs,
                                  String[] items, double[] scores, String[] reasons) {
        StoreWrite w = header(kind, id, version, asOfTs, ttlMs);
        w.items = items;
        w.scores = scores;
        w.reasons = reasons;
        w.validate();
        return w;
    }

    /** A user's recommendation list with the exclusions a read-time fill refresh needs ({@link ListRefresh}); validated. */
    public static StoreWrite recommendations(String user, long version, long asOfTs, long ttlMs, String[] items,
                                             double[] scores, String[] reasons, String[] exclude,
                                             String[] seeds, ListRefresh.Order staleOrder) {
        StoreWrite w = header(Kind.RECOMMENDATIONS, user, version, asOfTs, ttlMs);
        w.items = items;
        w.scores = scores;
        w.reasons = reasons;
        w.exclude = exclude;
        w.seeds = seeds;
        w.staleOrder = staleOrder == null ? null : staleOrder.field;
        w.validate();
        return w;
    }

    private static StoreWrite header(Kind kind, String id, long version, long asOfTs, long ttlMs) {
        StoreWrite w = new StoreWrite();
        w.kind = kind;
        w.id = id;
        w.version = version;
        w.asOfTs = asOfTs;
        w.ttlMs = ttlMs;
        return w;
    }

    /**
     * Checks the invariants the writer relies on. The fields are public and mutable, so the writer
     * re-checks every write before sending a batch.
     *
     * @throws IllegalArgumentException describing the first violation
     */
    public void validate() {
        require(kind != null, "kind is null");
        require(id != null, "id is null");
        if (kind == Kind.TRENDING) {
            require(id.isEmpty(), "TRENDING takes the id \"\"");
        } else {
            // "{}" in a key is no hash tag: list and meta would no longer share a cluster slot.
            require(!id.isEmpty(), "id is empty");
        }
        // The Lua guard compares versions as canonical non-negative decimals.
        require(version >= 0, "version must be >= 0");
        require(ttlMs >= 0, "ttlMs must be >= 0");
        if (kind.isList()) {
            validateList();
        } else {
            validateFeatures();
        }
    }

    // Messages are built only on failure: validate() runs on every write of the hot path.
    private void validateFeatures() {
        require(fieldNames != null && fieldValues != null, "fieldNames and fieldValues are required");
        require(fieldNames.length == fieldValues.length, "fieldNames and fieldValues differ in length");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < fieldNames.length; i++) {
            String name = fieldNames[i];
            if (name == null || fieldValues[i] == null) {
                fail("null feature name or value at " + i);
            }
            if (RESERVED_FIELDS.contains(name)) {
                fail("feature name '" + name + "' is reserved");
            }
            if (!seen.add(name)) {
                fail("duplicate feature name '" + name + "'");
            }
        }
    }

    private void validateList() {
        require(items != null && scores != null, "items and scores are required");
        require(items.length == scores.length, "items and scores differ in length");
        require(reasons == null || reasons.length == items.length, "reasons and items differ in length");
        for (int i = 0; i < items.length; i++) {
            if (items[i] == null) {
                fail("null item at " + i);
            }
            if (!Double.isFinite(scores[i])) {
                fail("score " + scores[i] + " at " + i + " is not finite");
            }
        }
        require(staleOrder == null || kind == Kind.RECOMMENDATIONS, "only a user's list carries a stale order");
        requireUserIds(exclude, "exclusions");
        requireUserIds(seeds, "seeds");
    }

    private void requireUserIds(String[] ids, String what) {
        if (ids != null) {
            require(kind == Kind.RECOMMENDATIONS, "only a user's list carries " + what);
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] == null) {
                    fail("null id in " + what + " at " + i);
                }
            }
        }
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            fail(message);
        }
    }

    private void fail(String message) {
        throw new IllegalArgumentException("Invalid StoreWrite " + kind + " '" + id + "': " + message);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof StoreWrite)) {
            return false;
        }
        StoreWrite that = (StoreWrite) o;
        return version == that.version && asOfTs == that.asOfTs && ingestMs == that.ingestMs
                && ttlMs == that.ttlMs && kind == that.kind && Objects.equals(id, that.id)
                && Arrays.equals(fieldNames, that.fieldNames) && Arrays.equals(fieldValues, that.fieldValues)
                && Arrays.equals(items, that.items) && Arrays.equals(scores, that.scores)
                && Arrays.equals(reasons, that.reasons) && Arrays.equals(exclude, that.exclude) && Arrays.equals(seeds, that.seeds)
                && Objects.equals(staleOrder, that.staleOrder);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(kind, id, version, asOfTs, ingestMs, ttlMs);
        h = 31 * h + Arrays.hashCode(fieldNames);
        h = 31 * h + Arrays.hashCode(fieldValues);
        h = 31 * h + Arrays.hashCode(items);
        h = 31 * h + Arrays.hashCode(scores);
        h = 31 * h + Arrays.hashCode(reasons);
        h = 31 * h + Arrays.hashCode(exclude);
        h = 31 * h + Arrays.hashCode(seeds);
        return 31 * h + Objects.hashCode(staleOrder);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("StoreWrite{").append(kind).append(" '").append(id)
                .append("' v=").append(version).append(" asOfTs=").append(asOfTs)
                .append(" ingestMs=").append(ingestMs).append(" ttlMs=").append(ttlMs);
        if (fieldNames != null || fieldValues != null) {
            s.append(" fieldNames=").append(Arrays.toString(fieldNames))
                    .append(" fieldValues=").append(Arrays.toString(fieldValues));
        }
        if (items != null || scores != null || reasons != null) {
            s.append(" items=").append(Arrays.toString(items))
                    .append(" scores=").append(Arrays.toString(scores))
                    .append(" reasons=").append(Arrays.toString(reasons));
        }
        if (exclude != null) {
            s.append(" exclude=").append(Arrays.toString(exclude)).append(" seeds=").append(Arrays.toString(seeds))
                    .append(" staleOrder=").append(staleOrder);
        }
        return s.append('}').toString();
    }
}

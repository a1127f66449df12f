package io.shoprank.job.covisit;

import io.shoprank.job.features.DecayedScores;

/** Per-item bookkeeping of the co-visitation stage (Flink POJO). */
public class ItemCoVisitMeta {
    /** Entries in the item's neighbour table. */
    public long entries;
    /** Version of the item's similar-items list (its publications). */
    public long version;
    /** Hash of the ids of the similar-items list last published. */
    public int similarDigest;
    /**
     * The similar-items list last published (at {@link #version}): ids, weights and as-of event time, exactly as
     * written to Redis, so that a republication from state (RepublishJob) writes the same list. At most k
     * entries. Null in state written before these fields existed.
     */
    public String[] similarItems;
    public double[] similarScores;
    public long similarTs;
    /** The item's decayed popularity ({@link DecayedScores} key), carried on touches to the ranking stage. */
    public double popularityKey = DecayedScores.EMPTY;
    /** The item's category as last seen on an event. */
    public String category;
    /** Views and clicks, and carts and purchases, of the item (for its conversion rate). */
    public long views;
    public long conversions;
    /** The latest price seen on an event, NaN when none. */
    public double price = Double.NaN;

    public ItemCoVisitMeta() {}
}

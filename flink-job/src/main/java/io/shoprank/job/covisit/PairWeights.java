package io.shoprank.job.covisit;

import io.shoprank.job.events.EventType;

/**
 * How much a pair (earlier item, new item) of one user's sequence adds to the items' co-visitation:
 * the new event's type weight (view 1 ... purchase 4), discounted by how far back the earlier item is.
 */
public final class PairWeights {
    private PairWeights() {}

    /** @param distance 0 for the item just before the new one, 1 for the one before that, ... */
    public static double of(EventType type, int distance) {
        return type.weight() / Math.sqrt(1.0 + distance);
    }
}

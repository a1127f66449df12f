package io.shoprank.job.covisit;

import io.shoprank.job.features.CategoryAffinity;
import io.shoprank.job.model.ConversionInputs;

import io.shoprank.job.events.Event;
import io.shoprank.job.features.RecentItems;

/**
 * A user's latest distinct items, most recent first (bounded by the pair window), and the user's event
 * sequence number. A plain POJO: the pairing math lives here, the operator only stores it.
 */
public class UserSequence {
    public String[] items = RecentItems.empty();
    /** Sequence number of the next event of this user (0-based). */
    public long nextSeq;
    /**
     * Wall-clock ms when this sequence started. If the state expires and the user comes back, the new sequence
     * has a later epoch, so the ranking stage knows to restart its count instead of waiting for old numbers.
     */
    public long epoch;
    /** The user's decayed category affinity (20 categories), for the conversion model's user features. */
    public CategoryAffinity categories = new CategoryAffinity();
    /** Event time of the user's latest event, 0 before the first. */
    public long lastTs;

    public UserSequence() {}

    /** Earlier items paired with a new event, and the weight each pair gets. */
    public record Pairs(String[] others, double[] weights) {}

    /** The earlier items to pair a new event with (the item itself excluded), and their weights. */
    public Pairs pairsFor(Event e) {
        int n = 0;
        for (String j : items) {
            if (!j.equals(e.item)) n++;
        }
        String[] others = new String[n];
        double[] weights = new double[n];
        int d = 0;
        int k = 0;
        for (String j : items) {
            if (j.equals(e.item)) continue;
            others[k] = j;
            weights[k] = PairWeights.of(e.type, d);
            k++;
            d++;
        }
        return new Pairs(others, weights);
    }

    /** Records the event's item as the latest, keeping at most {@code window} items. */
    public void append(Event e, int window) {
        items = RecentItems.push(items, e.item, window);
        nextSeq++;
        if (e.category != null && e.type.weight() > 0) {
            categories.add(e.category, e.type.weight(), e.ts, ConversionInputs.CATEGORY_HALF_LIFE_MS, 20);
        }
        lastTs = Math.max(lastTs, e.ts);
    }
}

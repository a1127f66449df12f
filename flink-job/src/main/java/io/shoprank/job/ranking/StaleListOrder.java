package io.shoprank.job.ranking;

import io.shoprank.store.ListRefresh;

/**
 * Learns how a reader should order a stale list once its trending entries are refreshed
 * ({@link ListRefresh.Order}): in the slots the ranking gave them, or refreshed trending first. After a long
 * absence the user's old neighbours may be worth less than what is trending now; how much depends on the shop.
 *
 * <p>Both orders hold the same items, so every target that meets a stale list tells how each would have done:
 * each order's gain is the target's NDCG term (1 / log2(rank + 2), 0 when absent), summed with a decay so the
 * choice follows drift. The order chosen for a list is the better one as of the list's build (test-then-train:
 * a target only counts after its list was served). Pure: no Flink.
 */
public final class StaleListOrder {
    /** Weight kept per observation: about the last thousand stale targets count. */
    static final double DECAY = 0.999;

    private double slotsGain;
    private double fillFirstGain;

    /** The better order so far; {@link ListRefresh.Order#SLOTS} until fill-first has done strictly better. */
    public ListRefresh.Order current() {
        return fillFirstGain > slotsGain ? ListRefresh.Order.FILL_FIRST : ListRefresh.Order.SLOTS;
    }

    /** A target met a stale list: its 0-based rank in each order, -1 when absent (the same in both). */
    public void observe(int rankInSlots, int rankFillFirst) {
        slotsGain = DECAY * slotsGain + gain(rankInSlots);
        fillFirstGain = DECAY * fillFirstGain + gain(rankFillFirst);
    }

    static double gain(int rank) {
        return rank < 0 ? 0 : 1 / (Math.log(rank + 2) / Math.log(2));
    }

    public double slotsGain() {
        return slotsGain;
    }

    public double fillFirstGain() {
        return fillFirstGain;
    }

    public void restore(double slotsGain, double fillFirstGain) {
        this.slotsGain = slotsGain;
        this.fillFirstGain = fillFirstGain;
    }
}

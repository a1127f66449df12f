package io.shoprank.job.ranking;

import io.shoprank.job.covisit.Touch;
import io.shoprank.job.events.EventType;
import io.shoprank.job.features.CategoryAffinity;
import io.shoprank.job.features.RecentItems;

/**
 * What the ranking stage keeps per user (Flink POJO), all bounded: the latest {@code seedItems} items with
 * their neighbours, the last {@code maxSeen} distinct items seen and bought (exclusion), category affinity
 * (20 categories), the list currently served (for test-then-train quality) and the list last published (for
 * a republication).
 */
public class UserRanking {
    public static final double CATEGORY_HALF_LIFE_MS = 24 * 3_600_000.0;
    public static final long VERSION_STRIDE = 1000;

    public long epoch;
    public long nextSeq;
    public Seed[] seeds = new Seed[0];
    public String[] seen = RecentItems.empty();
    public String[] bought = RecentItems.empty();
    public CategoryAffinity categories = new CategoryAffinity();
    public String[] served = RecentItems.empty();
    /** The reasons of {@link #served} (what a read-time fill refresh goes by); null in older state. */
    public String[] servedReasons;
    /**
     * How a reader orders the list once its trending entries are refreshed ({@link StaleListOrder}), as chosen
     * at the user's latest event and stored with the list: true for fill-first, false for slots.
     */
    public boolean staleFillFirst;
    /** Event time of the latest event applied. */
    public long lastTs;
    /** Length of the list last published (a rebuild may publish a fuller one than {@link #served}). */
    public int published;
    /** Touches held in the reorder buffer. */
    public int pending;
    /** Rebuilds of the list since the latest event (see RecommendFunction#onTimer). */
    public int refreshes;
    /**
     * The list last published (what Redis holds at {@link #version()}: after a rebuild it is fuller than
     * {@link #served}): items, scores and reasons, kept so that a republication from state (RepublishJob) writes
     * exactly it. Null in state written before these fields existed.
     */
    public String[] listItems;
    public double[] listScores;
    public String[] listReasons;

    public UserRanking() {}

    /** Folds the touch into the user's state (after its test-then-train check). */
    public void learn(Touch t, int seedItems, int maxSeen) {
        String item = t.event.item;
        Seed[] next = new Seed[Math.min(seedItems, seeds.length + 1)];
        next[0] = new Seed(item, t.neighbours, t.weights);
        int j = 1;
        for (int i = 0; i < seeds.length && j < next.length; i++) {
            if (!seeds[i].item.equals(item)) next[j++] = seeds[i];
        }
        seeds = j == next.length ? next : java.util.Arrays.copyOf(next, j);
        seen = RecentItems.push(seen, item, maxSeen);
        if (t.event.type == EventType.PURCHASE) {
            bought = RecentItems.push(bought, item, maxSeen);
        }
        if (t.event.category != null) {
            categories.add(t.event.category, t.event.type.weight(), t.event.ts, CATEGORY_HALF_LIFE_MS, 20);
        }
        nextSeq = t.seq + 1;
        lastTs = Math.max(lastTs, t.event.ts);
        refreshes = 0;
    }

    /**
     * The version of the list published now: {@code events * 1000 + refreshes}, so it grows with every
     * publication and {@code version / 1000} is the number of the user's item events it reflects.
     */
    public long version() {
        return nextSeq * VERSION_STRIDE + refreshes;
    }
}

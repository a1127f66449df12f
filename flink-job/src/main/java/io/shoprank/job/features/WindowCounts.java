package io.shoprank.job.features;

import java.util.Arrays;

/**
 * Per-type event counts over a sliding event-time window, kept as a ring of {@link #BUCKETS} buckets (so the
 * window slides in steps of window/12: a 1 h window moves every 5 min). Bounded size whatever the traffic.
 * A plain POJO so Flink serializes it without Kryo; the methods are the feature math.
 */
public class WindowCounts {
    public static final int BUCKETS = 12;

    /** Window length in ms. */
    public long windowMs;
    /** Bucket number (ts / bucketMs) held by each ring slot; -1 = empty. */
    public long[] bucketIds;
    /** counts[slot * types + type]. */
    public int[] counts;
    public int types;

    public WindowCounts() {}

    public WindowCounts(long windowMs, int types) {
        this.windowMs = windowMs;
        this.types = types;
        this.bucketIds = new long[BUCKETS];
        Arrays.fill(bucketIds, -1);
        this.counts = new int[BUCKETS * types];
    }

    private long bucketMs() {
        return Math.max(1, windowMs / BUCKETS);
    }

    /** Counts one event of type index {@code type} at {@code ts}; an event older than the ring is ignored. */
    public void add(long ts, int type) {
        long id = ts / bucketMs();
        int slot = (int) Math.floorMod(id, (long) BUCKETS);
        if (bucketIds[slot] != id) {
            if (bucketIds[slot] > id) {
                return; // the slot already holds a newer bucket: the event is outside the window
            }
            bucketIds[slot] = id;
            Arrays.fill(counts, slot * types, (slot + 1) * types, 0);
        }
        counts[slot * types + type]++;
    }

    /** Events of type index {@code type} in the window ending at {@code nowTs}. */
    public int count(long nowTs, int type) {
        long newest = nowTs / bucketMs();
        int sum = 0;
        for (int slot = 0; slot < BUCKETS; slot++) {
            long id = bucketIds[slot];
            if (id > newest - BUCKETS && id <= newest) {
                sum += counts[slot * types + type];
            }
        }
        return sum;
    }

    /** Weighted sum over all types in the window ending at {@code nowTs}. */
    public double weighted(long nowTs, double[] weights) {
        double s = 0;
        for (int t = 0; t < types; t++) {
            s += weights[t] * count(nowTs, t);
        }
        return s;
    }
}

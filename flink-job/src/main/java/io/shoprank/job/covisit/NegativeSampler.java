package io.shoprank.job.covisit;

import java.util.Random;

/**
 * Negative items for the embeddings' BPR examples: drawn from the latest items this subtask saw touched, so
 * an item is drawn about as often as it is popular (the usual popularity-proportional negatives). Seeded per
 * example from the user and its sequence number, so a replay draws the same negatives. A bounded ring, not
 * checkpointed: after a restart it refills from traffic.
 */
final class NegativeSampler {
    private final String[] ring;
    private final long seed;
    private int size;
    private int next;

    NegativeSampler(int capacity, long seed) {
        this.ring = new String[capacity];
        this.seed = seed;
    }

    void add(String item) {
        ring[next] = item;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** Up to {@code n} distinct items that are neither the positive nor in the context. */
    String[] sample(int n, String user, long seq, String positive, String[] context) {
        Random r = new Random(seed ^ (31L * user.hashCode() + seq));
        String[] out = new String[n];
        int k = 0;
        for (int attempt = 0; attempt < 4 * n && k < n && size > 0; attempt++) {
            String c = ring[r.nextInt(size)];
            if (c.equals(positive) || contains(context, c) || contains(out, c)) continue;
            out[k++] = c;
        }
        return k == n ? out : java.util.Arrays.copyOf(out, k);
    }

    private static boolean contains(String[] a, String x) {
        for (String s : a) {
            if (x.equals(s)) return true;
        }
        return false;
    }
}

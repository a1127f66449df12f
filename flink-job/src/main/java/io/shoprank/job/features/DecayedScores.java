package io.shoprank.job.features;

/**
 * Exponentially decayed scores kept in log form: {@code key = log2(score) + ts / halfLife}. The key does not
 * change as time passes, so items updated at different times compare directly by key, and the value at any
 * time T is {@code 2^(key - T / halfLife)}. Pure math, no state.
 */
public final class DecayedScores {
    private DecayedScores() {}

    public static final double EMPTY = Double.NEGATIVE_INFINITY;

    /** The key after adding {@code amount} at time {@code ts} to a score with key {@code key}. */
    public static double add(double key, double amount, long ts, double halfLifeMs) {
        double addKey = log2(amount) + ts / halfLifeMs;
        if (key == EMPTY) return addKey;
        double hi = Math.max(key, addKey);
        double lo = Math.min(key, addKey);
        return hi + log2(1 + Math.pow(2, lo - hi));
    }

    /** The decayed score value at time {@code ts}. */
    public static double valueAt(double key, long ts, double halfLifeMs) {
        return key == EMPTY ? 0 : Math.pow(2, key - ts / halfLifeMs);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}

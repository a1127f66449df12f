package io.shoprank.job.features;

/**
 * A user's decayed affinity to categories: every event adds its type weight to its category, scores decay
 * with a half-life, and only the {@code capacity} strongest categories are kept (state bound).
 * Keys are in {@link DecayedScores} log form so no rescaling is ever needed.
 * Nothing in it is category-specific: the user profile keeps brands and shops the same way.
 */
public class CategoryAffinity {
    public String[] categories = new String[0];
    public double[] keys = new double[0];

    public CategoryAffinity() {}

    public void add(String category, double weight, long ts, double halfLifeMs, int capacity) {
        for (int i = 0; i < categories.length; i++) {
            if (categories[i].equals(category)) {
                keys[i] = DecayedScores.add(keys[i], weight, ts, halfLifeMs);
                return;
            }
        }
        double key = DecayedScores.add(DecayedScores.EMPTY, weight, ts, halfLifeMs);
        if (categories.length < capacity) {
            categories = java.util.Arrays.copyOf(categories, categories.length + 1);
            keys = java.util.Arrays.copyOf(keys, keys.length + 1);
            categories[categories.length - 1] = category;
            keys[keys.length - 1] = key;
            return;
        }
        int weakest = 0;
        for (int i = 1; i < keys.length; i++) {
            if (keys[i] < keys[weakest]) weakest = i;
        }
        if (key > keys[weakest]) {
            categories[weakest] = category;
            keys[weakest] = key;
        }
    }

    /** Up to {@code n} categories, strongest first. */
    public String[] top(int n) {
        Integer[] idx = ranked();
        String[] out = new String[Math.min(n, idx.length)];
        for (int i = 0; i < out.length; i++) out[i] = categories[idx[i]];
        return out;
    }

    /**
     * The shares of {@link #top top(n)}, aligned with it: each category's decayed score divided by the sum
     * over all kept categories. All scores decay alike, so shares do not change with the time they are read
     * at; computed from the keys relative to the strongest, so nothing overflows.
     */
    public double[] topShares(int n) {
        Integer[] idx = ranked();
        double[] out = new double[Math.min(n, idx.length)];
        if (out.length == 0) return out;
        double max = keys[idx[0]];
        double sum = 0;
        for (double k : keys) sum += Math.pow(2, k - max);
        for (int i = 0; i < out.length; i++) out[i] = Math.pow(2, keys[idx[i]] - max) / sum;
        return out;
    }

    public boolean isEmpty() {
        return categories.length == 0;
    }

    private Integer[] ranked() {
        Integer[] idx = new Integer[categories.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(keys[b], keys[a]));
        return idx;
    }

    /** Affinity value of {@code category} at {@code ts}, 0 when unknown. */
    public double valueAt(String category, long ts, double halfLifeMs) {
        for (int i = 0; i < categories.length; i++) {
            if (categories[i].equals(category)) return DecayedScores.valueAt(keys[i], ts, halfLifeMs);
        }
        return 0;
    }

    /** The category's share of the user's affinity (0 when unknown): decay cancels out of the ratio. */
    public double share(String category) {
        double max = Double.NEGATIVE_INFINITY;
        for (double k : keys) max = Math.max(max, k);
        double sum = 0;
        double mine = 0;
        for (int i = 0; i < keys.length; i++) {
            double v = Math.pow(2, keys[i] - max); // keys are log2 (DecayedScores)
            sum += v;
            if (categories[i].equals(category)) mine = v;
        }
        return sum == 0 ? 0 : mine / sum;
    }

    /** Whether the category is the user's strongest. */
    public boolean isTop(String category) {
        int best = -1;
        for (int i = 0; i < keys.length; i++) {
            if (best < 0 || keys[i] > keys[best]) best = i;
        }
        return best >= 0 && categories[best].equals(category);
    }
}

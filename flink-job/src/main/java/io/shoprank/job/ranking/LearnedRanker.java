package io.shoprank.job.ranking;

import io.shoprank.job.model.ftrl.FeatureHasher;
import io.shoprank.job.model.ftrl.FtrlProximal;

/**
 * The hybrid ranker: a logistic model, learned online from the test-then-train signal, of the probability
 * that a candidate is the user's next item. Its inputs are where the candidate comes from (each source's
 * slot: co-visitation strength and rank, rank in the user's category or global trending, rank among the
 * embedding neighbours, with the user's co-visitation context) and the online models' scores (conversion
 * probability and embedding score, in buckets). It learns on top of the fixed source order: the prior
 * log-odds of {@link SourceCalibration} is a fixed margin, so before any target it ranks exactly like the
 * hand-made order and afterwards moves only where the data says so. Unlike multiplying per-feature
 * likelihood ratios, a discriminative model does not count correlated evidence twice (a strong neighbour is
 * also likely to score high on the conversion model).
 *
 * <p>Each ranking subtask learns its own from its users' targets (like the trending board: exact at
 * parallelism 1); checkpointed with the subtask's operator state. Pure: no Flink.
 */
public final class LearnedRanker {
    static final int DIMENSION = 1 << 14;
    static final double ALPHA = 0.05;
    static final double BETA = 1;
    static final double L1 = 0.1;
    static final double L2 = 1;
    /** One per source, two model scores, and a bias. */
    static final int FEATURES = CandidateSource.COUNT + 3;

    private final SourceCalibration priors;
    private final FeatureHasher hasher = new FeatureHasher(DIMENSION);
    private final int[][] memo = new int[FEATURES][512];
    private FtrlProximal model;
    /** Targets observed (the weights' generation): a sum kept on a candidate holds for one generation only. */
    private long updates;

    public LearnedRanker(SourceCalibration priors) {
        this.priors = priors;
        this.model = new FtrlProximal(DIMENSION, ALPHA, BETA, L1, L2);
        for (int[] m : memo) java.util.Arrays.fill(m, -1);
    }

    /** Restores checkpointed weights (arrays of length {@link #DIMENSION}; others are ignored). */
    public void restore(float[] z, float[] n) {
        if (z != null && n != null && z.length == DIMENSION && n.length == DIMENSION) {
            model = FtrlProximal.restore(model.params(), z, n);
            updates++;
        }
    }

    public float[] z() {
        return model.z();
    }

    public float[] n() {
        return model.n();
    }

    private static final float[] ONES = ones(FEATURES);

    /**
     * The candidate's probability of being the next item. For a candidate {@link #scoreWithoutModels} summed
     * (same sources, no update since), only the model scores' weights are added to that sum: the features come
     * in the same order as in a full prediction, so the result is the same to the bit.
     */
    public double score(CandidatePool.Candidate c) {
        if (!Double.isNaN(c.rankerLogitWithoutModels) && c.rankerLogitUpdate == updates) {
            double logit = c.rankerLogitWithoutModels;
            if (c.conversionBucket >= 0) logit += model.weight(index(CandidateSource.COUNT, c.conversionBucket));
            if (c.embeddingBucket >= 0) logit += model.weight(index(CandidateSource.COUNT + 1, c.embeddingBucket));
            return FtrlProximal.probability(logit);
        }
        int n = encode(c);
        return model.predict(encoded, n, ONES, encodedMargin);
    }

    /**
     * {@link #score} of a candidate without model scores yet (the pre-ranking), keeping the logit's sum on the
     * candidate, so that scoring it again once the models have scored it adds only their two weights.
     */
    public double scoreWithoutModels(CandidatePool.Candidate c) {
        if (c.modelScored()) return score(c);
        int n = encode(c);
        double logit = encodedMargin;
        for (int k = 0; k < n; k++) logit += model.weight(encoded[k]) * ONES[0]; // as predict sums: weight times 1
        c.rankerLogitWithoutModels = logit;
        c.rankerLogitUpdate = updates;
        return FtrlProximal.probability(logit);
    }

    /** One target: every candidate of the pool as it was is an example, the target (if proposed) the positive. */
    public void observe(CandidatePool pool, String target) {
        updates++;
        for (CandidatePool.Candidate c : pool.candidates()) {
            int n = encode(c);
            model.update(encoded, n, ONES, c.item.equals(target), encodedMargin);
        }
    }

    /** The features {@link #encode} wrote last (the first n of them): one array for every candidate scored. */
    private final int[] encoded = new int[FEATURES];
    /** The prior's margin (its log-odds) that {@link #encode} computed last. */
    private double encodedMargin;

    /**
     * {@link #features} and the margin in one pass over the sources, each source's slot computed once, into
     * {@link #encoded} and {@link #encodedMargin}; returns the number of features. The margin is
     * {@link SourceCalibration#probability(CandidatePool.Candidate)}'s noisy-OR with the same arithmetic in the
     * same order, so the same value as {@link #margin}.
     */
    private int encode(CandidatePool.Candidate c) {
        int[] idx = encoded;
        int n = 0;
        idx[n++] = index(CandidateSource.COUNT + 2, 0);
        double miss = 1;
        for (CandidateSource s : CandidateSource.ALL) {
            if (c.rank(s) >= 0) {
                int slot = SourceCalibration.slot(c, s);
                idx[n++] = index(s.ordinal(), slot);
                miss *= 1 - priors.probability(s, slot);
            }
        }
        if (c.conversionBucket >= 0) idx[n++] = index(CandidateSource.COUNT, c.conversionBucket);
        if (c.embeddingBucket >= 0) idx[n++] = index(CandidateSource.COUNT + 1, c.embeddingBucket);
        encodedMargin = logOdds(1 - miss);
        return n;
    }

    /** The prior's log-odds, from {@link SourceCalibration#probability(CandidatePool.Candidate)}. */
    double margin(CandidatePool.Candidate c) {
        return logOdds(priors.probability(c));
    }

    /** The margin {@link #score} and {@link #observe} use (computed with the features; equal to {@link #margin}). */
    double encodedMargin(CandidatePool.Candidate c) {
        encode(c);
        return encodedMargin;
    }

    private static double logOdds(double probability) {
        double p = Math.min(1 - 1e-9, Math.max(1e-9, probability));
        return Math.log(p / (1 - p));
    }

    /**
     * One hashed one-hot feature per source that proposed it and per model that scored it, and a bias: the
     * priors are far above the real per-candidate hit rate, and without a bias that shift would be learned
     * by the other features, pushing down candidates proposed by more sources.
     */
    int[] features(CandidatePool.Candidate c) {
        return java.util.Arrays.copyOf(encoded, encode(c));
    }

    private int index(int feature, int slot) {
        int i = memo[feature][slot];
        if (i < 0) {
            i = hasher.index("f" + feature, slot);
            memo[feature][slot] = i;
        }
        return i;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}

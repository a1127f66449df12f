package io.shoprank.job.ranking;

/**
 * How likely a candidate is to be the user's next item, from the sources that proposed it: a probability
 * per source and slot (co-visitation: strength and rank among the user's neighbours; the other sources:
 * rank, and how much co-visitation evidence the user has), combined over sources as independent evidence
 * (noisy-OR), so an item that is both a strong neighbour and trending in the user's category rises above
 * either alone.
 *
 * <p>The priors encode the hand-made order: co-visitation first (stronger and higher-ranked first), then
 * the user's categories, then global trending. They are the fixed margin of {@link LearnedRanker}. With
 * {@code learnSources} (the {@code calibrated} ablation level), every target also re-learns them from
 * decayed counts of offers and hits (half-life {@link #HALF_LIFE_TARGETS} targets). Pure: no Flink, no I/O.
 */
public final class SourceCalibration {
    /** Upper bounds (exclusive) of the rank buckets: ranks 0, 1, 2, 3, 4-5, 6-9, 10-14, 15-19, 20-29, 30-49, 50+. */
    static final int[] BUCKET_ENDS = {1, 2, 3, 4, 6, 10, 15, 20, 30, 50, Integer.MAX_VALUE};
    public static final int BUCKETS = BUCKET_ENDS.length;
    /** Co-visitation slots also split by the candidate's rank among the user's neighbours: 0, 1-2, 3-5, 6-10, 11-20, 21+. */
    static final int[] RANK_GROUP_ENDS = {1, 3, 6, 11, 21, Integer.MAX_VALUE};
    static final int RANK_GROUPS = RANK_GROUP_ENDS.length;
    /**
     * The other sources' slots are split by the user's co-visitation evidence (none, under 10 neighbours,
     * more): a trending item is a good bet for a user with no neighbours and a poor one beside a long list.
     */
    static final int CONTEXTS = 3;
    /** Slots per source: co-visitation by strength and rank, the others by rank and context. */
    static final int COVISIT_SLOTS = BUCKETS * RANK_GROUPS;
    static final int OTHER_SLOTS = BUCKETS * CONTEXTS;
    static final int CELLS = COVISIT_SLOTS + (CandidateSource.COUNT - 1) * OTHER_SLOTS;
    /** Buckets of a model probability: 0 for [1/2, 1], 1 for [1/4, 1/2), ..., the last catching the rest. */
    public static final int MODEL_BUCKETS = 12;
    static final double HALF_LIFE_TARGETS = 20_000;
    static final double PRIOR_OFFERS = 50;

    private final double[] offers = new double[CELLS];
    private final double[] hits = new double[CELLS];
    private final double keep = Math.pow(0.5, 1 / HALF_LIFE_TARGETS);
    private final boolean learnSources;
    private long targets;

    /** @param learnSources whether targets re-learn the probabilities; without it they stay at the priors */
    public SourceCalibration(boolean learnSources) {
        this.learnSources = learnSources;
        for (CandidateSource s : CandidateSource.ALL) {
            for (int b = 0; b < slots(s); b++) {
                offers[cell(s, b)] = PRIOR_OFFERS;
                hits[cell(s, b)] = PRIOR_OFFERS * prior(s, b);
            }
        }
    }

    /** Restores counts taken with {@link #offers()}, {@link #hits()} (same layout; else starts afresh). */
    public static SourceCalibration of(double[] offers, double[] hits, long targets, boolean learnSources) {
        SourceCalibration c = new SourceCalibration(learnSources);
        if (offers != null && hits != null && offers.length == CELLS && hits.length == CELLS) {
            System.arraycopy(offers, 0, c.offers, 0, CELLS);
            System.arraycopy(hits, 0, c.hits, 0, CELLS);
            c.targets = targets;
        }
        return c;
    }

    /** The priors (no learning), counting on from {@code targets} targets already seen (after a restore). */
    public static SourceCalibration priorsOnly(long targets) {
        SourceCalibration c = new SourceCalibration(false);
        c.targets = targets;
        return c;
    }

    /** The bucket of a model probability (see {@link #MODEL_BUCKETS}). */
    public static int modelBucket(double p) {
        if (!(p > 0)) return MODEL_BUCKETS - 1;
        return Math.min(MODEL_BUCKETS - 1, Math.max(0, -Math.getExponent(p) - 1));
    }

    static int slots(CandidateSource s) {
        return s == CandidateSource.COVISIT ? COVISIT_SLOTS : OTHER_SLOTS;
    }

    /**
     * Every co-visitation slot's prior (0.05 / (1 + strength bucket + rank group), at least 0.05 / 16) lies
     * above every other source's slot (at most 0.002), so the priors alone give the hand-made order, slot by
     * slot (an item proposed by several fill sources combines them and can pass a weak neighbour): co-visitation,
     * the user's categories, then the embedding neighbours (measured: above the categories they cost a
     * quarter of diginetica's hits), then global trending.
     */
    static double prior(CandidateSource s, int slot) {
        if (s == CandidateSource.COVISIT) {
            return 0.05 / (1 + slot / RANK_GROUPS + slot % RANK_GROUPS);
        }
        double base;
        switch (s) {
            case EMBEDDING: base = 0.0008; break;
            case CATEGORY_1: base = 0.002; break;
            case CATEGORY_2: base = 0.0015; break;
            case CATEGORY_3: base = 0.001; break;
            default: base = 0.0005;
        }
        return base / (1 + slot % BUCKETS);
    }

    static int bucket(int rank) {
        int b = 0;
        while (b < BUCKETS - 1 && rank >= BUCKET_ENDS[b]) b++;
        return b;
    }

    private static int cell(CandidateSource s, int slot) {
        return s == CandidateSource.COVISIT ? slot : COVISIT_SLOTS + (s.ordinal() - 1) * OTHER_SLOTS + slot;
    }

    /**
     * The candidate's slot for a source that proposed it. Co-visitation candidates are told apart by the
     * strength of their co-visitation (a log2 bucket of the summed score: one user's 10th neighbour can be
     * stronger than another's first) and by their rank among the user's neighbours (a user's best neighbour
     * is a better bet than its score alone says); the other sources by rank and the user's context.
     */
    static int slot(CandidatePool.Candidate c, CandidateSource s) {
        if (s == CandidateSource.COVISIT) {
            int strength = BUCKETS - 1 - Math.min(BUCKETS - 1, (int) (Math.log(1 + c.covisit) / Math.log(2)));
            int group = 0;
            while (c.rank(s) >= RANK_GROUP_ENDS[group]) group++;
            return strength * RANK_GROUPS + group;
        }
        return c.context * BUCKETS + bucket(c.rank(s));
    }

    /** Noisy-OR over the sources that proposed the candidate. */
    public double probability(CandidatePool.Candidate c) {
        double miss = 1;
        for (CandidateSource s : CandidateSource.ALL) {
            if (c.rank(s) >= 0) miss *= 1 - probability(c, s);
        }
        return 1 - miss;
    }

    /** The probability one source gives the candidate. */
    public double probability(CandidatePool.Candidate c, CandidateSource s) {
        return probability(s, slot(c, s));
    }

    /** The probability of a source's slot ({@link #slot}). */
    double probability(CandidateSource s, int slot) {
        int cell = cell(s, slot);
        return hits[cell] / offers[cell];
    }

    /**
     * One target event: with {@code learnSources}, every source's offers count (its pool as it stands before
     * the event is learned), and a hit where the target item was proposed.
     */
    public void observe(CandidatePool pool, String target) {
        targets++;
        if (!learnSources) return;
        for (int i = 0; i < CELLS; i++) {
            if (offers[i] > 1e-3) { // a cell without offers for millions of targets keeps its ratio
                offers[i] *= keep;
                hits[i] *= keep;
            }
        }
        for (CandidatePool.Candidate c : pool.candidates()) {
            for (CandidateSource s : CandidateSource.ALL) {
                if (c.rank(s) >= 0) offers[cell(s, slot(c, s))] += 1;
            }
        }
        CandidatePool.Candidate hit = pool.get(target);
        if (hit != null) {
            for (CandidateSource s : CandidateSource.ALL) {
                if (hit.rank(s) >= 0) hits[cell(s, slot(hit, s))] += 1;
            }
        }
    }

    public long targets() {
        return targets;
    }

    public double[] offers() {
        return offers.clone();
    }

    public double[] hits() {
        return hits.clone();
    }
}

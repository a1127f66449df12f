package io.shoprank.job.ranking;

/**
 * Learns from the test-then-train signal how likely a candidate is to be the user's next item, given the
 * source that proposed it and its rank within that source: decayed counts of offers (a source had a
 * candidate at that rank when a target event came) and hits (the target item was that candidate).
 * A candidate's probability combines its sources as independent evidence (noisy-OR), so an item that is
 * both a strong neighbour and trending in the user's category rises above either alone.
 *
 * <p>Priors (pseudo-counts) keep the starting order of the hand-made ranker: co-visitation first, then the
 * user's categories, then global trending. The decay (half-life of {@link #HALF_LIFE_TARGETS} targets)
 * lets the ranking follow a shop whose traffic changes. Pure: no Flink, no I/O.
 */
public final class SourceCalibration {
    /** Upper bounds (exclusive) of the rank buckets: ranks 0, 1, 2, 3, 4-5, 6-9, 10-14, 15-19, 20-29, 30-49, 50+. */
    static final int[] BUCKET_ENDS = {1, 2, 3, 4, 6, 10, 15, 20, 30, 50, Integer.MAX_VALUE};
    public static final int BUCKETS = BUCKET_ENDS.length;
    static final double HALF_LIFE_TARGETS = 20_000;
    static final double PRIOR_OFFERS = 50;

    /** Buckets of a model probability: [0, 1) cut at 1/2^(b+1) (top bucket 0.5..1), the last catching the rest. */
    public static final int MODEL_BUCKETS = 12;
    static final int MODELS = 2;
    static final double PRIOR_MODEL_OFFERS = 200;

    private final double[] offers;
    private final double[] hits;
    /** Per model and bucket: candidates scored and hits, for the likelihood ratio of the model's evidence. */
    private final double[] modelOffers = new double[MODELS * MODEL_BUCKETS];
    private final double[] modelHits = new double[MODELS * MODEL_BUCKETS];
    private double allOffers = PRIOR_MODEL_OFFERS;
    private double allHits = PRIOR_MODEL_OFFERS * 0.01;
    private final double keep = Math.pow(0.5, 1 / HALF_LIFE_TARGETS);
    private long targets;

    public SourceCalibration() {
        offers = new double[CandidateSource.COUNT * BUCKETS];
        hits = new double[offers.length];
        for (CandidateSource s : CandidateSource.values()) {
            for (int b = 0; b < BUCKETS; b++) {
                offers[cell(s, b)] = PRIOR_OFFERS;
                hits[cell(s, b)] = PRIOR_OFFERS * prior(s, b);
            }
        }
        // no evidence yet: every bucket at the base rate, a likelihood ratio of 1
        for (int i = 0; i < modelOffers.length; i++) {
            modelOffers[i] = PRIOR_MODEL_OFFERS;
            modelHits[i] = allHits;
        }
    }

    /** The bucket of a probability: 0 for [1/2, 1], 1 for [1/4, 1/2), ... */
    public static int modelBucket(double p) {
        if (!(p > 0)) return MODEL_BUCKETS - 1;
        return Math.min(MODEL_BUCKETS - 1, Math.max(0, -Math.getExponent(p) - 1));
    }

    /**
     * The candidate's probability from its sources, times the likelihood ratio of each online model's score
     * (in odds): how much more often than average a candidate in that score bucket was the next item. A model
     * that carries no signal on the shop's traffic settles at ratios near 1 and changes nothing.
     */
    public double adjusted(CandidatePool.Candidate c, double probability) {
        double odds = probability / Math.max(1e-12, 1 - probability);
        odds *= ratio(0, c.conversionBucket) * ratio(1, c.embeddingBucket);
        return odds / (1 + odds);
    }

    private double ratio(int model, int bucket) {
        if (bucket < 0) return 1;
        int i = model * MODEL_BUCKETS + bucket;
        return (modelHits[i] / modelOffers[i]) / (allHits / allOffers);
    }

    /** Restores counts taken with {@link #offers()}, {@link #hits()} (same layout; else starts afresh). */
    public static SourceCalibration of(double[] offers, double[] hits, long targets) {
        SourceCalibration c = new SourceCalibration();
        int n = c.offers.length;
        int m = c.modelOffers.length;
        if (offers.length == n + m + 1 && hits.length == n + m + 1) {
            System.arraycopy(offers, 0, c.offers, 0, n);
            System.arraycopy(hits, 0, c.hits, 0, n);
            System.arraycopy(offers, n, c.modelOffers, 0, m);
            System.arraycopy(hits, n, c.modelHits, 0, m);
            c.allOffers = offers[n + m];
            c.allHits = hits[n + m];
            c.targets = targets;
        }
        return c;
    }

    static double prior(CandidateSource s, int bucket) {
        double base;
        switch (s) {
            case COVISIT: base = 0.05; break;
            case EMBEDDING: base = 0.01; break;
            case CATEGORY_1: base = 0.01; break;
            case CATEGORY_2: base = 0.005; break;
            case CATEGORY_3: base = 0.003; break;
            default: base = 0.002;
        }
        return base / (1 + bucket);
    }

    static int bucket(int rank) {
        int b = 0;
        while (rank >= BUCKET_ENDS[b]) b++;
        return b;
    }

    private static int cell(CandidateSource s, int bucket) {
        return s.ordinal() * BUCKETS + bucket;
    }

    /**
     * Co-visitation candidates are told apart by the strength of their co-visitation (a log2 bucket of the
     * summed score), since one user's 10th neighbour can be stronger than another's first; the other sources
     * by rank.
     */
    static int slot(CandidatePool.Candidate c, CandidateSource s) {
        if (s == CandidateSource.COVISIT) {
            return BUCKETS - 1 - Math.min(BUCKETS - 1, (int) (Math.log(1 + c.covisit) / Math.log(2)));
        }
        return bucket(c.rank(s));
    }

    /** Noisy-OR over the sources that proposed the candidate. */
    public double probability(CandidatePool.Candidate c) {
        double miss = 1;
        for (CandidateSource s : CandidateSource.values()) {
            if (c.rank(s) >= 0) miss *= 1 - hits[cell(s, slot(c, s))] / offers[cell(s, slot(c, s))];
        }
        return 1 - miss;
    }

    public double probability(CandidatePool.Candidate c, CandidateSource s) {
        return hits[cell(s, slot(c, s))] / offers[cell(s, slot(c, s))];
    }

    /**
     * One target event: every source's offers count (its pool as it stands before the event is learned),
     * and a hit where the target item was proposed.
     */
    public void observe(CandidatePool pool, String target) {
        for (int i = 0; i < offers.length; i++) {
            offers[i] *= keep;
            hits[i] *= keep;
        }
        for (int i = 0; i < modelOffers.length; i++) {
            modelOffers[i] *= keep;
            modelHits[i] *= keep;
        }
        allOffers *= keep;
        allHits *= keep;
        for (CandidatePool.Candidate c : pool.candidates()) {
            for (CandidateSource s : CandidateSource.values()) {
                if (c.rank(s) >= 0) offers[cell(s, slot(c, s))] += 1;
            }
            countModels(c, modelOffers);
            allOffers += 1;
        }
        CandidatePool.Candidate hit = pool.get(target);
        if (hit != null) {
            for (CandidateSource s : CandidateSource.values()) {
                if (hit.rank(s) >= 0) hits[cell(s, slot(hit, s))] += 1;
            }
            countModels(hit, modelHits);
            allHits += 1;
        }
        targets++;
    }

    private static void countModels(CandidatePool.Candidate c, double[] counts) {
        if (c.conversionBucket >= 0) counts[c.conversionBucket] += 1;
        if (c.embeddingBucket >= 0) counts[MODEL_BUCKETS + c.embeddingBucket] += 1;
    }

    public long targets() {
        return targets;
    }

    /** Offer counts: per source and slot, then per model and bucket, then the total. */
    public double[] offers() {
        return concat(offers, modelOffers, allOffers);
    }

    /** Hit counts, in the layout of {@link #offers()}. */
    public double[] hits() {
        return concat(hits, modelHits, allHits);
    }

    private static double[] concat(double[] a, double[] b, double total) {
        double[] out = new double[a.length + b.length + 1];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        out[out.length - 1] = total;
        return out;
    }
}

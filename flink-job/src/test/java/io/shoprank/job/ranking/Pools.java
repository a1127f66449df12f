package io.shoprank.job.ranking;

import io.shoprank.job.trending.TrendingList;

import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;

/**
 * Test helper: builds a {@link CandidatePool} by hand, ranks counting from 0 in offer order per source (as
 * {@link CandidateRanker#pool} gives them), and computes expected values from the priors through the package
 * API ({@link SourceCalibration#prior}, {@link SourceCalibration#slot}).
 *
 * <p>As in {@link CandidateRanker#pool}, the co-visitation candidates come first: the first offer of any other
 * source settles the user's co-visitation context ({@link CandidatePool#settleContext}); a co-visitation
 * candidate after that is a mistake in the test.
 */
final class Pools {
    private final CandidatePool pool = new CandidatePool();
    private boolean settled;

    /** The next co-visitation candidate, with its summed co-visitation score. */
    Pools covisit(String item, double score) {
        if (settled) throw new IllegalStateException("co-visitation candidates come before the other sources");
        CandidatePool.Candidate c = pool.add(item);
        c.covisit = score;
        c.via = "seed";
        pool.offer(CandidateSource.COVISIT, c);
        return this;
    }

    /** The next candidates of {@code source}, in rank order. */
    Pools offer(CandidateSource source, String... items) {
        if (source == CandidateSource.COVISIT) throw new IllegalArgumentException("use covisit(item, score)");
        settle();
        for (String item : items) pool.offer(source, pool.add(item));
        return this;
    }

    /** Settles the co-visitation context now (also done by the first offer of another source). */
    Pools settle() {
        if (!settled) {
            pool.settleContext();
            settled = true;
        }
        return this;
    }

    CandidatePool pool() {
        return settle().pool;
    }

    CandidatePool.Candidate get(String item) {
        return pool.get(item);
    }

    /** The prior probability of a source's slot. */
    static double prior(CandidateSource s, int slot) {
        return SourceCalibration.prior(s, slot);
    }

    /** The prior of the slot that source {@code s} puts the candidate in. */
    static double prior(CandidatePool.Candidate c, CandidateSource s) {
        return SourceCalibration.prior(s, SourceCalibration.slot(c, s));
    }

    /** What a fresh calibration gives the candidate: the noisy-OR of the priors of the sources that proposed it. */
    static double prior(CandidatePool.Candidate c) {
        double miss = 1;
        for (CandidateSource s : CandidateSource.values()) {
            if (c.rank(s) >= 0) miss *= 1 - prior(c, s);
        }
        return 1 - miss;
    }

    /** The fresh-calibration scores of the given items of this pool, in the order given. */
    double[] priors(String... items) {
        double[] p = new double[items.length];
        for (int i = 0; i < items.length; i++) p[i] = prior(get(items[i]));
        return p;
    }

    /** The probabilities the calibration gives the given items of this pool, in the order given. */
    double[] probabilities(SourceCalibration cal, String... items) {
        double[] p = new double[items.length];
        for (int i = 0; i < items.length; i++) p[i] = cal.probability(get(items[i]));
        return p;
    }

    /** A co-visitation slot: strength bucket (0 strongest) by rank group (0: the user's best neighbour). */
    static int covisitSlot(int strength, int rankGroup) {
        return strength * SourceCalibration.RANK_GROUPS + rankGroup;
    }

    /** Another source's slot: the user's co-visitation context by the rank bucket. */
    static int fillSlot(int context, int rank) {
        return context * SourceCalibration.BUCKETS + SourceCalibration.bucket(rank);
    }

    /** 1 - prod(1 - p): independent evidence combined. */
    static double noisyOr(double... p) {
        double miss = 1;
        for (double x : p) miss *= 1 - x;
        return 1 - miss;
    }

    /** A trending list whose i-th of n items scores n - i. */
    static TrendingList list(String category, String... items) {
        double[] scores = new double[items.length];
        for (int i = 0; i < items.length; i++) scores[i] = items.length - i;
        return new TrendingList(category, items, scores, 1, 0);
    }

    /** {@code n} distinct ids among i{from}..i{from + range - 1}, in random order. */
    static String[] ids(Random rnd, int from, int range, int n) {
        Set<String> ids = new LinkedHashSet<>();
        while (ids.size() < n) ids.add("i" + (from + rnd.nextInt(range)));
        return ids.toArray(new String[0]);
    }
}

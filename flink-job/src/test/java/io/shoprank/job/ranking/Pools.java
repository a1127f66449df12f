package io.shoprank.job.ranking;

/**
 * Test helper: builds a {@link CandidatePool} by hand, ranks counting from 0 in offer order per source (as
 * {@link CandidateRanker#pool} gives them), and computes expected calibrated values from the priors.
 */
final class Pools {
    private final CandidatePool pool = new CandidatePool();

    /** The next co-visitation candidate, with its summed co-visitation score. */
    Pools covisit(String item, double score) {
        CandidatePool.Candidate c = pool.add(item);
        c.covisit = score;
        c.via = "seed";
        pool.offer(CandidateSource.COVISIT, c);
        return this;
    }

    /** The next candidates of {@code source}, in rank order. */
    Pools offer(CandidateSource source, String... items) {
        for (String item : items) pool.offer(source, pool.add(item));
        return this;
    }

    CandidatePool pool() {
        return pool;
    }

    CandidatePool.Candidate get(String item) {
        return pool.get(item);
    }

    /** The prior probability of a source's bucket (co-visitation: its slot). */
    static double prior(CandidateSource s, int bucket) {
        return SourceCalibration.prior(s, bucket);
    }

    /** 1 - prod(1 - p): independent evidence combined. */
    static double noisyOr(double... p) {
        double miss = 1;
        for (double x : p) miss *= 1 - x;
        return 1 - miss;
    }
}

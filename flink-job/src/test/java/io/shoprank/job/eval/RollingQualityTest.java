package io.shoprank.job.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Rolling HR / MRR / NDCG at a cut-off over the latest targets. A target at 0-based rank r below the cut-off
 * counts a hit, 1 / (r + 1) and 1 / log2(r + 2); the figures are sums over the window divided by its targets.
 */
class RollingQualityTest {

    private static final double EPS = 1e-12;
    /** log2(21) = ln 21 / ln 2. */
    private static final double LOG2_21 = 4.392317422778761;
    /** log2(3), log2(6). */
    private static final double LOG2_3 = 1.584962500721156;
    private static final double LOG2_6 = 2.584962500721156;

    @Test
    void emptyWindowScoresZero() {
        RollingQuality q = new RollingQuality(20, 10);

        assertEquals(0, q.targets());
        assertEquals(0, q.hitRate());
        assertEquals(0, q.mrr());
        assertEquals(0, q.ndcg());
    }

    @Test
    void hitsMissesAndRanksAtTheCutOff() {
        RollingQuality q = new RollingQuality(20, 10);

        q.add(0);
        q.add(2);
        q.add(-1);  // not in the list
        q.add(19);  // the last position within the cut-off
        q.add(20);  // in the list but beyond the cut-off: a miss at 20

        assertEquals(5, q.targets());
        assertEquals(3.0 / 5, q.hitRate(), EPS);
        assertEquals((1 + 1.0 / 3 + 1.0 / 20) / 5, q.mrr(), EPS);
        assertEquals(83.0 / 300, q.mrr(), EPS);
        assertEquals((1 + 1.0 / 2 + 1 / LOG2_21) / 5, q.ndcg(), EPS);
    }

    @Test
    void oldestTargetsLeaveTheWindow() {
        RollingQuality q = new RollingQuality(20, 3);
        q.add(0);
        q.add(1);
        q.add(-1);
        assertEquals(2.0 / 3, q.hitRate(), EPS);
        assertEquals((1 + 0.5) / 3, q.mrr(), EPS);
        assertEquals((1 + 1 / LOG2_3) / 3, q.ndcg(), EPS);

        q.add(4); // evicts the rank 0: window 1, -1, 4

        assertEquals(3, q.targets(), "the window stays full");
        assertEquals(2.0 / 3, q.hitRate(), EPS);
        assertEquals((0.5 + 0.2) / 3, q.mrr(), EPS);
        assertEquals((1 / LOG2_3 + 1 / LOG2_6) / 3, q.ndcg(), EPS);

        q.add(-1); // evicts the rank 1: window -1, 4, -1
        assertEquals(1.0 / 3, q.hitRate(), EPS);
        assertEquals(0.2 / 3, q.mrr(), EPS);
        assertEquals(1 / LOG2_6 / 3, q.ndcg(), EPS);

        q.add(-1);
        q.add(-1); // evicts the rank 4: only misses left
        assertEquals(3, q.targets());
        assertEquals(0, q.hitRate(), EPS);
        assertEquals(0, q.mrr(), EPS);
        assertEquals(0, q.ndcg(), EPS);
    }

    @Test
    void aSmallerCutOffCountsOnlyTheTopRanks() {
        RollingQuality q = new RollingQuality(2, 10);

        q.add(1);
        q.add(2);

        assertEquals(0.5, q.hitRate(), EPS);
        assertEquals(0.5 / 2, q.mrr(), EPS);
        assertEquals(1 / LOG2_3 / 2, q.ndcg(), EPS);
    }

    @Test
    void windowOfOneIsTheLatestTarget() {
        RollingQuality q = new RollingQuality(20, 1);

        q.add(3);
        q.add(1);

        assertEquals(1, q.targets());
        assertEquals(1, q.hitRate(), EPS);
        assertEquals(0.5, q.mrr(), EPS);
        assertEquals(1 / LOG2_3, q.ndcg(), EPS);
    }

    @Test
    void agreesWithRankingMetricsOverTheLatestWindow() {
        int window = 50;
        RollingQuality q = new RollingQuality(20, window);
        Random random = new Random(42);
        int[] ranks = new int[1_037];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = random.nextInt(30) - 5; // -5..24: misses, hits and ranks beyond the cut-off
            q.add(ranks[i] < 0 ? -1 : ranks[i]);
        }

        RankingMetrics exact = new RankingMetrics(20);
        for (int i = ranks.length - window; i < ranks.length; i++) {
            exact.addRank(ranks[i] < 0 ? -1 : ranks[i]);
        }
        assertEquals(window, q.targets());
        assertEquals(exact.hr(20), q.hitRate(), 1e-9);
        assertEquals(exact.mrr(20), q.mrr(), 1e-9);
        assertEquals(exact.ndcg(20), q.ndcg(), 1e-9);
    }
}

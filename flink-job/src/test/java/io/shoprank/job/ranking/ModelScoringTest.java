package io.shoprank.job.ranking;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The pre-ranking that bounds how many candidates the online models score. */
class ModelScoringTest {
    private final SourceCalibration priors = new SourceCalibration(false);

    @Test
    void aPoolNoLargerThanTheBoundIsScoredWhole() {
        CandidatePool pool = new Pools().covisit("a", 5).offer(CandidateSource.GLOBAL, "b", "c").pool();
        assertSame(pool.candidates(), ModelScoring.best(pool.candidates(), priors::probability, 3));
    }

    @Test
    void keepsTheBestByCalibratedProbabilityInPoolOrder() {
        // global trending ranks 0..4 then strong co-visitation: the prior falls with the global rank, and an
        // item that two sources propose gets the noisy-OR of both
        CandidatePool pool = new Pools()
                .covisit("cv", 50)
                .offer(CandidateSource.GLOBAL, "g0", "g1", "g2", "cv", "g3")
                .pool();
        double[] p = pool.candidates().stream().mapToDouble(priors::probability).toArray();
        // expected: the three highest by probability, listed in pool order
        List<String> expected = pool.candidates().stream()
                .filter(c -> rankOf(p, pool.candidates().indexOf(c)) < 3)
                .map(c -> c.item).toList();
        List<String> kept = ModelScoring.best(pool.candidates(), priors::probability, 3).stream().map(c -> c.item).toList();
        assertEquals(expected, kept);
        assertEquals("cv", kept.get(0)); // proposed by two sources: the highest
        assertEquals(List.of("cv", "g0", "g1"), kept);
    }

    @Test
    void tiesKeepPoolOrder() {
        // two candidates in the same source and slot: equal probabilities
        CandidatePool twins = new CandidatePool();
        CandidatePool.Candidate a = twins.add("a");
        CandidatePool.Candidate b = twins.add("b");
        a.rank[CandidateSource.GLOBAL.ordinal()] = 0;
        b.rank[CandidateSource.GLOBAL.ordinal()] = 0;
        assertEquals(List.of("a"), ModelScoring.best(twins.candidates(), priors::probability, 1).stream().map(c -> c.item).toList());
    }

    @Test
    void keepsWhatAStableSortByScoreWouldKeepWithManyTies() {
        java.util.Random rnd = new java.util.Random(3);
        for (int round = 0; round < 500; round++) {
            CandidatePool pool = new CandidatePool();
            int n = 1 + rnd.nextInt(60);
            java.util.Map<CandidatePool.Candidate, Double> score = new java.util.HashMap<>();
            for (int i = 0; i < n; i++) {
                CandidatePool.Candidate c = pool.add("i" + i);
                score.put(c, rnd.nextInt(8) / 8.0); // few distinct values: many ties
            }
            int m = 1 + rnd.nextInt(n);
            List<CandidatePool.Candidate> byStableSort = new java.util.ArrayList<>(pool.candidates());
            byStableSort.sort((x, y) -> Double.compare(score.get(y), score.get(x)));
            java.util.Set<CandidatePool.Candidate> top = new java.util.HashSet<>(byStableSort.subList(0, m));
            List<CandidatePool.Candidate> expected = pool.candidates().stream().filter(top::contains).toList();
            assertEquals(expected, ModelScoring.best(pool.candidates(), score::get, m), "round " + round);
        }
    }

    @Test
    void onlyTheLastUpdatedItemsThatFitThePoolAreWrittenIntoIt() {
        List<String> updated = List.of("a", "b", "c", "a", "d", "b");
        // by last occurrence: c, a, d, b; the last three in that order
        assertEquals(List.of("a", "d", "b"), ModelScoring.lastDistinct(updated, 3));
        assertEquals(List.of("c", "a", "d", "b"), ModelScoring.lastDistinct(updated, 4));
        assertSame(updated, ModelScoring.lastDistinct(updated, 6));
    }

    private static int rankOf(double[] p, int i) {
        int above = 0;
        for (int j = 0; j < p.length; j++) if (p[j] > p[i] || (p[j] == p[i] && j < i)) above++;
        return above;
    }
}

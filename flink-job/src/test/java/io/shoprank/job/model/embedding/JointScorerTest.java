package io.shoprank.job.model.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Both models' candidate scores and the embedding pool, from one ND4J product, against plain Java. */
class JointScorerTest {

    /** Writes an item's {@code [Q | b]} into the pool, from a table of its own. */
    private static void touch(JointScorer s, String item, float b, float... q) {
        EmbeddingTable t = new EmbeddingTable(q.length, 1);
        t.put(item, new float[q.length], q, b);
        s.touch(t, t.slot(item));
    }

    /** Scores candidates given as rows {@code [W | Q | b]}: each Q into a table as an item of its own (none when null). */
    private static void score(JointScorer s, float[][] w, float[][] q, float[] b, float[] u) {
        int d = u.length;
        EmbeddingTable t = new EmbeddingTable(d, Math.max(1, w.length));
        int[] slots = new int[w.length];
        for (int c = 0; c < w.length; c++) {
            slots[c] = ItemSlots.NONE;
            if (q[c] == null) continue;
            t.put("candidate " + c, new float[d], q[c], b[c]);
            slots[c] = t.slot("candidate " + c);
        }
        s.score(w.length, w, t, slots, u);
    }

    @Test
    void candidateScoresMatchAPlainComputationOnRandomData() {
        int k = 100; // beyond the initial capacity: the matrix grows and keeps the pool
        int f = 12;
        int d = 16;
        Random r = new Random(2024);
        JointScorer s = new JointScorer(f, d, 50);
        float[] pq = new float[d];
        for (int i = 0; i < d; i++) pq[i] = (float) r.nextGaussian();
        touch(s, "p", 0.5f, pq);
        float[][] w = new float[k][f];
        float[][] q = new float[k][d];
        float[] b = new float[k];
        float[] u = new float[d];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < f; i++) w[c][i] = (float) r.nextGaussian();
            for (int i = 0; i < d; i++) q[c][i] = (float) r.nextGaussian();
            b[c] = (float) r.nextGaussian();
        }
        for (int i = 0; i < d; i++) u[i] = (float) r.nextGaussian();

        score(s, w, q, b, u);

        for (int c = 0; c < k; c++) {
            double logit = 0;
            for (int i = 0; i < f; i++) logit += w[c][i];
            double dot = b[c];
            for (int i = 0; i < d; i++) dot += (double) q[c][i] * u[i];
            assertEquals(logit, s.conversionLogit(c), 1e-4, "logit of candidate " + c);
            assertEquals(dot, s.embeddingScore(c), 1e-4, "embedding score of candidate " + c);
        }
        double pool = 0.5;
        for (int i = 0; i < d; i++) pool += (double) pq[i] * u[i];
        assertEquals(pool, s.poolScore("p"), 1e-4, "the pool survives the matrix growing");
    }

    @Test
    void handComputedTwoByTwo() {
        // F = 2, d = 2: [W | Q | b] = [[1, 2 | 3, 4 | 1], [-1, 0.5 | 0, -2 | 0]], u = (0.5, -1)
        // row 0: 1 + 2 = 3, 3 * 0.5 + 4 * -1 + 1 = -1.5; row 1: -1 + 0.5 = -0.5, 0 * 0.5 + -2 * -1 = 2
        JointScorer s = new JointScorer(2, 2, 4);
        score(s, new float[][] {{1, 2}, {-1, 0.5f}}, new float[][] {{3, 4}, {0, -2}}, new float[] {1, 0},
                new float[] {0.5f, -1});

        assertEquals(3, s.conversionLogit(0), 1e-6);
        assertEquals(-1.5, s.embeddingScore(0), 1e-6);
        assertEquals(-0.5, s.conversionLogit(1), 1e-6);
        assertEquals(2, s.embeddingScore(1), 1e-6);
    }

    @Test
    void aCandidateWithoutATargetVectorScoresZeroOnTheEmbeddingSide() {
        JointScorer s = new JointScorer(2, 2, 4);
        score(s, new float[][] {{0.25f, 0.25f}}, new float[][] {null}, new float[] {7}, new float[] {1, 1});

        assertEquals(0, s.embeddingScore(0), 0);
        assertEquals(0.5, s.conversionLogit(0), 1e-6);
    }

    @Test
    void aLaterCallOverwritesTheRowsOfTheEarlierOneIncludingTheEmbeddingPart() {
        // rows are staged and copied in bulk: a candidate without a target vector must not keep the Q and b
        // an earlier call left in its row, and the pool's scores follow the latest user vector
        JointScorer s = new JointScorer(2, 2, 4);
        touch(s, "p", 0.25f, 1, 0);
        score(s, new float[][] {{1, 1}, {2, 2}, {3, 3}}, new float[][] {{5, 5}, {6, 6}, {7, 7}}, new float[] {1, 2, 3},
                new float[] {1, 1});
        assertEquals(11, s.embeddingScore(0), 1e-6);
        assertEquals(1.25, s.poolScore("p"), 1e-6);

        score(s, new float[][] {{0.5f, 0.25f}, {-1, 0}}, new float[][] {null, {1, 2}}, new float[] {9, -1},
                new float[] {2, -1});

        assertEquals(0.75, s.conversionLogit(0), 1e-6);
        assertEquals(0, s.embeddingScore(0), 0, "no target vector: neither the old Q nor a bias");
        assertEquals(-1, s.conversionLogit(1), 1e-6);
        assertEquals(2 * 1 + -1 * 2 - 1, s.embeddingScore(1), 1e-6);
        assertEquals(2.25, s.poolScore("p"), 1e-6);
        assertArrayEquals(new String[] {"p"}, s.nearest(3, Set.<String>of()::contains));
    }

    @Test
    void nearestRanksThePoolByUserScoreAndSkipsExcluded() {
        JointScorer s = new JointScorer(1, 2, 10);
        touch(s, "a", 0, 1, 0);   // u.q = 1
        touch(s, "b", 0, 0, 1);   // 2
        touch(s, "c", 5, 0, 0);   // 5 (bias)
        touch(s, "d", 0, -1, 0);  // -1
        score(s, new float[0][], new float[0][], new float[0], new float[] {1, 2});

        assertArrayEquals(new String[] {"c", "b", "a"}, s.nearest(3, Set.<String>of()::contains));
        assertArrayEquals(new String[] {"c", "a"}, s.nearest(2, Set.<String>of("b")::contains));
        assertArrayEquals(new String[] {"c", "b", "a", "d"}, s.nearest(10, Set.<String>of()::contains));

        int[] slots = s.nearestSlots(2, Set.<String>of("c")::contains);
        assertEquals(2, slots.length);
        assertEquals("b", s.itemAt(slots[0]));
        assertEquals(2, s.poolScoreAt(slots[0]), 1e-6, "a slot's score is its item's");
        assertEquals(s.poolScore("a"), s.poolScoreAt(slots[1]));
    }

    @Test
    void theLeastRecentlyUpdatedItemLeavesAFullPoolAndAnUpdateRewritesTheRow() {
        JointScorer s = new JointScorer(1, 1, 2);
        touch(s, "a", 0, 1);
        touch(s, "b", 0, 2);
        touch(s, "a", 0, 3); // a updated: b is now the oldest
        touch(s, "c", 0, 4); // takes b's slot
        score(s, new float[0][], new float[0][], new float[0], new float[] {1});

        assertEquals(2, s.poolSize());
        assertTrue(Double.isNaN(s.poolScore("b")));
        assertEquals(3, s.poolScore("a"), 1e-6);
        assertArrayEquals(new String[] {"c", "a"}, s.nearest(5, Set.<String>of()::contains));
    }

    /** Against a full sort: the first n pool items not excluded, by score then slot, with ties and few or many excluded. */
    @Test
    void nearestSlotsAreTheFirstNotExcludedInScoreOrder() {
        Random r = new Random(9);
        for (int round = 0; round < 200; round++) {
            int poolSize = 1 + r.nextInt(60);
            JointScorer s = new JointScorer(1, 1, 64);
            for (int i = 0; i < poolSize; i++) touch(s, "i" + i, 0, r.nextInt(8)); // few distinct scores: ties
            score(s, new float[0][], new float[0][], new float[0], new float[] {1});
            double share = r.nextDouble();
            Set<String> excluded = new java.util.HashSet<>();
            for (int i = 0; i < poolSize; i++) if (r.nextDouble() < share) excluded.add("i" + i);
            int n = 1 + r.nextInt(20);

            Integer[] bySlot = new Integer[poolSize];
            for (int i = 0; i < poolSize; i++) bySlot[i] = i;
            java.util.Arrays.sort(bySlot, (a, b) -> Double.compare(s.poolScoreAt(b), s.poolScoreAt(a)));
            int[] expected = java.util.Arrays.stream(bySlot).filter(i -> !excluded.contains(s.itemAt(i)))
                    .limit(n).mapToInt(Integer::intValue).toArray();

            assertArrayEquals(expected, s.nearestSlots(n, excluded::contains), "round " + round);
        }
    }
}

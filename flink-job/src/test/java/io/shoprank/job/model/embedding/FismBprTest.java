package io.shoprank.job.model.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Mini-batch BPR for the FISM-style item embeddings: one step by hand, convergence, determinism. */
class FismBprTest {

    private static final double TOL = 1e-5;
    private static final double LR = 0.1;
    private static final double REG = 0.01;

    private static final float[] P_C = {0.1f, 0.2f};
    private static final float[] Q_C = {0.7f, -0.3f};
    private static final float B_C = 0.02f;
    private static final float[] P_I = {0.5f, 0.5f};
    private static final float[] Q_I = {0.3f, -0.1f};
    private static final float B_I = 0.05f;
    private static final float[] P_J = {-0.4f, 0.25f};
    private static final float[] Q_J = {-0.2f, 0.4f};
    private static final float B_J = -0.1f;

    /** A d=2 table holding c (context), i (positive) and j (negative) with known rows. */
    private static ItemEmbeddings table() {
        ItemEmbeddings t = new ItemEmbeddings(2, 100, 7);
        t.put("c", P_C.clone(), Q_C.clone(), B_C);
        t.put("i", P_I.clone(), Q_I.clone(), B_I);
        t.put("j", P_J.clone(), Q_J.clone(), B_J);
        t.drainChanged();
        return t;
    }

    private static BprExample example(String[] context, String pos, String... neg) {
        return new BprExample(context, pos, neg);
    }

    /*
     * One example, context {c} (n = 1), positive i, negative j, lr = 0.1, reg = 0.01:
     *   u = P_c / sqrt(1) = (0.1, 0.2)
     *   Q_i - Q_j = (0.3 - -0.2, -0.1 - 0.4) = (0.5, -0.5)
     *   x = u . (Q_i - Q_j) + b_i - b_j = (0.05 - 0.1) + 0.05 + 0.1 = 0.1
     *   g = sigmoid(-x) = 1 / (1 + e^0.1) = 0.47502081252106
     *   loss = -log sigmoid(x) = log(1 + e^-0.1) = 0.64439666007357
     *   Q_i' = Q_i + lr (g u - reg Q_i)
     *        = (0.3 + 0.1 (0.0475020813 - 0.003), -0.1 + 0.1 (0.0950041625 + 0.001)) = (0.3044502081, -0.0903995837)
     *   Q_j' = Q_j + lr (-g u - reg Q_j)
     *        = (-0.2 + 0.1 (-0.0475020813 + 0.002), 0.4 + 0.1 (-0.0950041625 - 0.004)) = (-0.2045502081, 0.3900995837)
     *   b_i' = b_i + lr (g - reg b_i)  = 0.05 + 0.1 (0.4750208125 - 0.0005) = 0.0974520813
     *   b_j' = b_j + lr (-g - reg b_j) = -0.1 + 0.1 (-0.4750208125 + 0.001) = -0.1474020813
     *   P_c' = P_c + lr (g (Q_i - Q_j) / sqrt(1) - reg P_c)
     *        = (0.1 + 0.1 (0.2375104063 - 0.001), 0.2 + 0.1 (-0.2375104063 - 0.002)) = (0.1236510406, 0.1760489594)
     * and nothing else moves: P_i, P_j, Q_c, b_c.
     */
    @Test
    void oneStepMatchesTheHandComputation() {
        ItemEmbeddings t = table();

        double loss = new FismBpr(LR, REG).step(t, List.of(example(new String[] {"c"}, "i", "j")));

        assertEquals(0.6443966600735709, loss, TOL);
        EmbeddingRow i = t.get("i");
        EmbeddingRow j = t.get("j");
        EmbeddingRow c = t.get("c");
        assertEquals(0.30445020812521056, i.q[0], TOL);
        assertEquals(-0.09039958374957881, i.q[1], TOL);
        assertEquals(0.097452081252106, i.b, TOL);
        assertEquals(-0.2045502081252106, j.q[0], TOL);
        assertEquals(0.3900995837495788, j.q[1], TOL);
        assertEquals(-0.14740208125210602, j.b, TOL);
        assertEquals(0.123651040626053, c.p[0], TOL);
        assertEquals(0.17604895937394702, c.p[1], TOL);

        assertArrayEquals(P_I, i.p, "the positive's context vector is not a parameter of this example");
        assertArrayEquals(P_J, j.p);
        assertArrayEquals(Q_C, c.q, "the context item's target vector does not move");
        assertEquals(B_C, c.b);
        assertEquals(3, t.drainChanged().size(), "c, i and j changed");
    }

    @Test
    void lossIsTheMeanOverEveryPositiveNegativePair() {
        ItemEmbeddings t = table();
        t.put("k", new float[] {0f, 0f}, new float[] {0f, 0f}, 0f);
        // x for (i, j) = 0.1 (above); for (i, k): u . Q_i + b_i - 0 = (0.03 - 0.02) + 0.05 = 0.06
        double expected = (Math.log1p(Math.exp(-0.1)) + Math.log1p(Math.exp(-0.06))) / 2;

        double loss = new FismBpr(LR, REG).step(t, List.of(example(new String[] {"c"}, "i", "j", "k")));

        assertEquals(expected, loss, TOL);
    }

    @Test
    void anEmptyBatchIsNaNAndChangesNothing() {
        ItemEmbeddings t = table();
        assertTrue(Double.isNaN(new FismBpr(LR, REG).step(t, List.of())));
        assertTrue(Double.isNaN(new FismBpr(LR, REG).step(t, List.of(example(new String[] {"c"}, "i")))),
                "an example without negatives gives no pair");
        assertTrue(t.drainChanged().isEmpty());
    }

    @Test
    void repeatedStepsRankThePositiveAboveTheNegative() {
        ItemEmbeddings t = new ItemEmbeddings(2, 100, 7);
        t.put("c", new float[] {0.3f, -0.2f}, new float[] {0f, 0f}, 0f);
        t.put("i", new float[] {0f, 0f}, new float[] {-0.2f, 0.1f}, -0.1f);
        t.put("j", new float[] {0f, 0f}, new float[] {0.2f, -0.1f}, 0.1f);
        String[] ctx = {"c"};
        assertTrue(score(t, ctx, "i") < score(t, ctx, "j"), "the negative starts ahead");
        FismBpr bpr = new FismBpr(LR, REG);

        double first = bpr.step(t, List.of(example(ctx, "i", "j")));
        double last = first;
        for (int s = 0; s < 200; s++) last = bpr.step(t, List.of(example(ctx, "i", "j")));

        assertTrue(score(t, ctx, "i") > score(t, ctx, "j"), "the positive ends ahead");
        assertTrue(last < first, "the loss falls: " + first + " -> " + last);
        assertTrue(last < Math.log(2), "x > 0 once the positive leads");
    }

    @Test
    void aContextItemEqualToThePositiveIsLeftOut() {
        ItemEmbeddings with = table();
        ItemEmbeddings without = table();
        FismBpr bpr = new FismBpr(LR, REG);

        double a = bpr.step(with, List.of(example(new String[] {"c", "i"}, "i", "j")));
        double b = bpr.step(without, List.of(example(new String[] {"c"}, "i", "j")));

        assertEquals(b, a, 0, "u = P_c, n = 1, exactly as without i in the context");
        assertRowsEqual(without, with);
        assertArrayEquals(P_I, with.get("i").p, "i's context vector is not trained from its own event");
    }

    @Test
    void unknownItemsStartFromTheirSeededRows() {
        ItemEmbeddings t = new ItemEmbeddings(2, 100, 7);
        new FismBpr(LR, REG).step(t, List.of(example(new String[] {"a", "b"}, "x", "y")));
        for (String id : new String[] {"a", "b", "x", "y"}) assertNotNull(t.get(id), id);
        assertEquals(4, t.drainChanged().size());
    }

    @Test
    void twoFreshTablesGiveTheSameResultForTheSameBatch() {
        List<BprExample> batch = new ArrayList<>();
        batch.add(example(new String[] {"a", "b", "c"}, "d", "e", "f"));
        batch.add(example(new String[] {"d"}, "a", "c"));
        batch.add(example(new String[] {"a", "e"}, "b", "f", "g"));
        batch.add(example(new String[] {"b", "c", "d", "e"}, "g", "a"));
        ItemEmbeddings t1 = new ItemEmbeddings(8, 100, 42);
        ItemEmbeddings t2 = new ItemEmbeddings(8, 100, 42);

        double l1 = 0;
        double l2 = 0;
        for (int s = 0; s < 3; s++) {
            l1 = new FismBpr(0.05, 0.001).step(t1, batch);
            l2 = new FismBpr(0.05, 0.001).step(t2, batch);
        }

        assertEquals(l1, l2, 0);
        assertEquals(7, t1.size());
        assertRowsEqual(t1, t2);
    }

    private static double score(ItemEmbeddings t, String[] ctx, String item) {
        float[] u = UserVectors.of(t, ctx, false);
        EmbeddingRow r = t.get(item);
        double s = r.b;
        for (int k = 0; k < u.length; k++) s += u[k] * r.q[k];
        return s;
    }

    private static void assertRowsEqual(ItemEmbeddings expected, ItemEmbeddings actual) {
        assertEquals(expected.size(), actual.size());
        List<EmbeddingRow> e = new ArrayList<>(expected.rows());
        e.sort(Comparator.comparing(r -> r.item));
        for (EmbeddingRow r : e) {
            EmbeddingRow a = actual.get(r.item);
            assertNotNull(a, r.item);
            assertArrayEquals(r.p, a.p, r.item);
            assertArrayEquals(r.q, a.q, r.item);
            assertEquals(r.b, a.b, r.item);
        }
    }
}

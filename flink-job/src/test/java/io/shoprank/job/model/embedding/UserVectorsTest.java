package io.shoprank.job.model.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The user side of the FISM model: u = sum(P_c) / sqrt(n). */
class UserVectorsTest {

    private static final float TOL = 1e-6f;

    private static ItemEmbeddings table() {
        ItemEmbeddings t = new ItemEmbeddings(2, 100, 1);
        t.put("a", new float[] {1, 2}, new float[] {9, 9}, 9);
        t.put("b", new float[] {3, -1}, new float[] {9, 9}, 9);
        t.put("c", new float[] {-2, 0.5f}, new float[] {9, 9}, 9);
        t.put("d", new float[] {2, 2}, new float[] {9, 9}, 9);
        return t;
    }

    @Test
    void oneItemIsItsContextVector() {
        assertArrayEquals(new float[] {1, 2}, UserVectors.of(table(), new String[] {"a"}, false), TOL);
    }

    @Test
    void theSumIsScaledByOneOverTheSquareRootOfTheCount() {
        // (1 + 3 - 2 + 2, 2 - 1 + 0.5 + 2) / sqrt(4) = (4, 3.5) / 2
        assertArrayEquals(new float[] {2, 1.75f}, UserVectors.of(table(), new String[] {"a", "b", "c", "d"}, false), TOL);
        // (1 + 3, 2 - 1) / sqrt(2)
        float s = (float) Math.sqrt(2);
        assertArrayEquals(new float[] {4 / s, 1 / s}, UserVectors.of(table(), new String[] {"a", "b"}, false), TOL);
    }

    @Test
    void noContextIsTheZeroVector() {
        assertArrayEquals(new float[2], UserVectors.of(table(), new String[0], false), 0);
    }

    @Test
    void unknownItemsAreSkippedAtServing() {
        ItemEmbeddings t = table();
        float s = (float) Math.sqrt(2);

        float[] u = UserVectors.of(t, new String[] {"a", "x", "b", "y"}, false);

        assertArrayEquals(new float[] {4 / s, 1 / s}, u, TOL, "n counts the known items only");
        assertNull(t.get("x"), "and they stay unknown");
        assertArrayEquals(new float[2], UserVectors.of(t, new String[] {"x"}, false), 0);
    }

    @Test
    void aReplicaTableGivesTheSameVectorsAsTheTrainingTable() {
        ItemEmbeddings training = table();
        EmbeddingTable serving = new EmbeddingTable(2, 100);
        for (EmbeddingRow r : training.rows()) serving.put(r.item, r.p, r.q, r.b);
        String[][] contexts = {{"a"}, {"a", "b", "c", "d"}, {"d", "x", "b"}, {"x"}, {}};

        for (String[] c : contexts) {
            assertArrayEquals(UserVectors.of(training, c, false), UserVectors.of(serving, c), 0,
                    String.join(",", c));
        }
        assertEquals(4, serving.size(), "unknown items stay unknown");
    }

    @Test
    void unknownItemsGetTheirInitialRowsInTraining() {
        ItemEmbeddings t = table();
        float[] px = new ItemEmbeddings(2, 100, 1).getOrInit("x").p;

        float[] u = UserVectors.of(t, new String[] {"a", "x"}, true);

        assertNotNull(t.get("x"));
        float s = (float) Math.sqrt(2);
        assertArrayEquals(new float[] {(1 + px[0]) / s, (2 + px[1]) / s}, u, TOL);
        assertEquals(5, t.size());
    }
}

package io.shoprank.job.model.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** A replica's item vectors in one array: rows come back as put, in place, bounded like the training table. */
class EmbeddingTableTest {

    @Test
    void aRowComesBackAsPutAndTheLayoutIsTargetBiasContext() {
        EmbeddingTable t = new EmbeddingTable(2, 10);
        t.put("a", new float[] {1, 2}, new float[] {3, 4}, 0.5f);
        t.put("b", new float[] {-1, Float.NaN}, new float[] {0, Float.NEGATIVE_INFINITY}, -2f);

        EmbeddingRow a = t.row("a");
        assertEquals("a", a.item);
        assertArrayEquals(new float[] {1, 2}, a.p);
        assertArrayEquals(new float[] {3, 4}, a.q);
        assertEquals(0.5f, a.b);
        assertArrayEquals(new float[] {-1, Float.NaN}, t.row("b").p);
        assertArrayEquals(new float[] {0, Float.NEGATIVE_INFINITY}, t.row("b").q);
        assertNull(t.row("c"));

        int slot = t.slot("a");
        float[] v = t.values();
        assertArrayEquals(new float[] {3, 4, 0.5f}, java.util.Arrays.copyOfRange(v, t.targetOffset(slot),
                t.targetOffset(slot) + 3), "q then b, together");
        assertArrayEquals(new float[] {1, 2}, java.util.Arrays.copyOfRange(v, t.contextOffset(slot),
                t.contextOffset(slot) + 2));
    }

    @Test
    void aPutOverwritesInPlaceAndCopiesTheArrays() {
        EmbeddingTable t = new EmbeddingTable(2, 10);
        float[] p = {1, 1};
        t.put("a", p, new float[] {2, 2}, 1);
        int slot = t.slot("a");
        p[0] = 7;
        t.put("a", new float[] {5, 5}, new float[] {6, 6}, 2);

        assertEquals(slot, t.slot("a"));
        assertArrayEquals(new float[] {5, 5}, t.row("a").p);
        assertEquals(2f, t.row("a").b);
        assertEquals(1, t.size());
        assertThrows(IllegalArgumentException.class, () -> t.put("b", new float[3], new float[3], 0));
    }

    /** The same rows, in the same order, as the training table (the one the replica's used to be) holds. */
    @Test
    void holdsWhatAnItemEmbeddingsTableWithTheSamePutsHolds() {
        int dim = 3;
        EmbeddingTable t = new EmbeddingTable(dim, 50);
        ItemEmbeddings reference = new ItemEmbeddings(dim, 50, 1);
        Random r = new Random(3);
        for (int step = 0; step < 20_000; step++) {
            String item = "i" + r.nextInt(200);
            float[] p = new float[dim];
            float[] q = new float[dim];
            for (int k = 0; k < dim; k++) {
                p[k] = (float) r.nextGaussian();
                q[k] = (float) r.nextGaussian();
            }
            float b = (float) r.nextGaussian();
            t.put(item, p, q, b);
            reference.put(item, p.clone(), q.clone(), b);
        }
        assertRowsEqual(List.copyOf(reference.rows()), t.rows());
    }

    @Test
    void packedAndRestoredInItsOrderItIsTheSameTable() {
        EmbeddingTable t = new EmbeddingTable(2, 3);
        t.put("a", new float[] {1, 1}, new float[] {2, 2}, 1);
        t.put("b", new float[] {3, 3}, new float[] {4, 4}, 2);
        t.put("a", new float[] {5, 5}, new float[] {6, 6}, 3);

        EmbeddingTable copy = new EmbeddingTable(2, 3);
        for (EmbeddingRow row : PackedRows.unpack(PackedRows.pack(t))) copy.put(row.item, row.p, row.q, row.b);

        assertRowsEqual(t.rows(), copy.rows());
        assertEquals(List.of("b", "a"), copy.rows().stream().map(x -> x.item).toList());
        assertEquals(0, PackedRows.pack(new EmbeddingTable(2, 3)).length, "an empty table is no chunk");
    }

    private static void assertRowsEqual(List<EmbeddingRow> expected, List<EmbeddingRow> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            EmbeddingRow e = expected.get(i);
            EmbeddingRow a = actual.get(i);
            assertEquals(e.item, a.item, "row " + i);
            assertArrayEquals(e.p, a.p, e.item);
            assertArrayEquals(e.q, a.q, e.item);
            assertEquals(e.b, a.b, e.item);
        }
    }
}

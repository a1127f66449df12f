package io.shoprank.job.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.job.model.embedding.EmbeddingRow;
import io.shoprank.job.model.embedding.EmbeddingTable;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A ranking subtask's model copy: deltas queue up and apply lazily, in order, up to the epoch asked for. */
class ModelReplicaTest {

    private static EmbeddingRow row(String item, float v) {
        return new EmbeddingRow(item, new float[] {v, v}, new float[] {-v, -v}, v / 10);
    }

    private static ModelDelta delta(long epoch, long version, int[] idx, float[] w, EmbeddingRow... rows) {
        return new ModelDelta(epoch, version, idx, w, rows);
    }

    private static ModelReplica replica() {
        return new ModelReplica(16, new EmbeddingTable(2, 100));
    }

    @Test
    void nothingIsAppliedBeforeItIsNeeded() {
        ModelReplica r = replica();
        r.enqueue(delta(5, 1, new int[] {3}, new float[] {0.5f}, row("a", 1)));

        assertTrue(r.advanceTo(4).isEmpty());

        assertEquals(0f, r.weights()[3]);
        assertNull(r.embeddings().row("a"));
        assertEquals(0, r.version());
        assertEquals(Long.MIN_VALUE, r.appliedEpoch());
        assertEquals(1, r.queued());
    }

    @Test
    void aDeltaCopiesItsRowsInSoItCanBeDropped() {
        // the table is overwritten in place: it must not keep (or later change) the delta's arrays
        ModelReplica r = replica();
        EmbeddingRow a = row("a", 1);
        r.enqueue(delta(5, 1, new int[] {3}, new float[] {0.5f}, a));
        r.advanceTo(5);
        a.p[0] = 99;
        r.enqueue(delta(6, 2, new int[0], new float[0], row("a", 2)));
        r.advanceTo(6);

        assertEquals(99, a.p[0], "the first delta's row is not written into");
        assertArrayEquals(new float[] {2, 2}, r.embeddings().row("a").p);
        assertEquals(1, r.embeddings().size());
    }

    @Test
    void theLeastRecentlyUpdatedItemsLeaveAFullTable() {
        ModelReplica r = new ModelReplica(16, new EmbeddingTable(2, 2));
        r.enqueue(delta(5, 1, new int[0], new float[0], row("a", 1), row("b", 2), row("a", 3)));
        r.enqueue(delta(6, 2, new int[0], new float[0], row("c", 4)));
        r.advanceTo(6);

        assertNull(r.embeddings().row("b"), "b was updated last before a");
        assertArrayEquals(new float[] {3, 3}, r.embeddings().row("a").p);
        assertArrayEquals(new float[] {4, 4}, r.embeddings().row("c").p);
    }

    @Test
    void deltasApplyInOrderUpToTheEpoch() {
        ModelReplica r = replica();
        r.enqueue(delta(5, 1, new int[] {3, 7}, new float[] {0.5f, -1f}, row("a", 1), row("b", 2)));
        r.enqueue(delta(6, 2, new int[] {3}, new float[] {0.25f}, row("a", 3)));
        r.enqueue(delta(8, 3, new int[] {9}, new float[] {2f}, row("c", 4)));

        List<String> updated = new ArrayList<>(r.advanceTo(7));

        assertEquals(List.of("a", "b", "a"), updated, "every row of every applied delta, in order");
        assertEquals(0.25f, r.weights()[3], "the later delta wins");
        assertEquals(-1f, r.weights()[7]);
        assertEquals(0f, r.weights()[9], "epoch 8 is not needed yet");
        assertArrayEquals(new float[] {3, 3}, r.embeddings().row("a").p);
        assertArrayEquals(new float[] {-3, -3}, r.embeddings().row("a").q);
        assertEquals(0.3f, r.embeddings().row("a").b, 1e-7);
        assertArrayEquals(new float[] {2, 2}, r.embeddings().row("b").p);
        assertNull(r.embeddings().row("c"));
        assertEquals(2, r.version());
        assertEquals(6, r.appliedEpoch());
        assertEquals(1, r.queued());
        assertEquals(8, r.queuedDeltas().get(0).epoch);

        assertTrue(r.advanceTo(7).isEmpty(), "already applied");
        assertEquals(List.of("c"), new ArrayList<>(r.advanceTo(8)));
        assertEquals(2f, r.weights()[9]);
        assertEquals(3, r.version());
        assertEquals(8, r.appliedEpoch());
        assertEquals(0, r.queued());
    }

    @Test
    void aDeltaOfExactlyTheEpochIsApplied() {
        ModelReplica r = replica();
        r.enqueue(delta(5, 1, new int[] {1}, new float[] {1f}));

        assertTrue(r.advanceTo(5).isEmpty(), "no rows in it");

        assertEquals(1f, r.weights()[1]);
        assertEquals(1, r.version());
        assertEquals(5, r.appliedEpoch());
    }

    @Test
    void restoreSetsTheModelAndTheDeltasContinueFromIt() {
        ModelReplica r = replica();
        float[] w = new float[16];
        w[2] = 0.75f;
        w[3] = -0.5f;

        r.restore(4, 7, w, new EmbeddingRow[] {row("a", 1), row("b", 2)});

        assertEquals(4, r.appliedEpoch());
        assertEquals(7, r.version());
        assertArrayEquals(w, r.weights());
        assertArrayEquals(new float[] {2, 2}, r.embeddings().row("b").p);

        r.enqueue(delta(5, 8, new int[] {3}, new float[] {1f}, row("b", 5)));
        assertEquals(List.of("b"), new ArrayList<>(r.advanceTo(5)));
        assertEquals(0.75f, r.weights()[2]);
        assertEquals(1f, r.weights()[3]);
        assertArrayEquals(new float[] {1, 1}, r.embeddings().row("a").p);
        assertArrayEquals(new float[] {5, 5}, r.embeddings().row("b").p);
        assertEquals(8, r.version());
    }
}

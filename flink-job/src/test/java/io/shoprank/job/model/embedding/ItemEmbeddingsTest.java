package io.shoprank.job.model.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The bounded item parameter table: seeded initial rows, LRU bound, change tracking. */
class ItemEmbeddingsTest {

    @Test
    void initialRowsAreSeededIdenticallyAcrossInstances() {
        ItemEmbeddings a = new ItemEmbeddings(8, 100, 42);
        ItemEmbeddings b = new ItemEmbeddings(8, 100, 42);
        b.getOrInit("other"); // what else a table holds does not matter

        EmbeddingRow ra = a.getOrInit("item-1");
        EmbeddingRow rb = b.getOrInit("item-1");

        assertEquals("item-1", ra.item);
        assertArrayEquals(ra.p, rb.p);
        assertArrayEquals(ra.q, rb.q);
        assertEquals(0f, ra.b);
        assertEquals(8, ra.p.length);
        assertEquals(8, ra.q.length);
        for (int k = 0; k < 8; k++) {
            assertTrue(Math.abs(ra.p[k]) < 0.2 && Math.abs(ra.q[k]) < 0.2, "small initial values");
        }
        assertFalse(Arrays.equals(ra.p, ra.q), "p and q are drawn separately");
    }

    @Test
    void initialRowsDifferAcrossItemsAndSeeds() {
        ItemEmbeddings a = new ItemEmbeddings(8, 100, 42);
        EmbeddingRow r1 = a.getOrInit("item-1");
        EmbeddingRow r2 = a.getOrInit("item-2");
        EmbeddingRow other = new ItemEmbeddings(8, 100, 43).getOrInit("item-1");

        assertFalse(Arrays.equals(r1.p, r2.p));
        assertFalse(Arrays.equals(r1.q, r2.q));
        assertFalse(Arrays.equals(r1.p, other.p), "another model seed, another start");
    }

    @Test
    void getOrInitKeepsAnExistingRowAndGetDoesNotCreate() {
        ItemEmbeddings t = new ItemEmbeddings(2, 100, 1);
        assertNull(t.get("a"));
        assertEquals(0, t.size());
        t.put("a", new float[] {1, 2}, new float[] {3, 4}, 5);

        EmbeddingRow r = t.getOrInit("a");

        assertArrayEquals(new float[] {1, 2}, r.p);
        assertArrayEquals(new float[] {3, 4}, r.q);
        assertEquals(5f, r.b);
        assertSame(r, t.get("a"));
        assertEquals(1, t.size());
    }

    @Test
    void theTableIsBoundedDroppingTheLeastRecentlyUsed() {
        ItemEmbeddings t = new ItemEmbeddings(2, 3, 1);
        t.put("a", new float[2], new float[2], 0);
        t.put("b", new float[2], new float[2], 0);
        t.put("c", new float[2], new float[2], 0);

        t.put("d", new float[2], new float[2], 0);

        assertEquals(3, t.size());
        assertNull(t.get("a"), "the oldest goes");
        t.put("b", new float[] {1, 1}, new float[2], 0); // b is the newest now
        t.getOrInit("e");
        assertEquals(3, t.size());
        assertNull(t.get("c"));
        assertNotNull(t.get("b"));
        assertNotNull(t.get("d"));
        assertNotNull(t.get("e"));
    }

    @Test
    void drainChangedReturnsTheChangedRowsOnceAndLaterUpdatesLeaveThemAlone() {
        ItemEmbeddings t = new ItemEmbeddings(2, 100, 1);
        t.put("a", new float[] {1, 2}, new float[] {3, 4}, 0.5f);
        t.put("b", new float[] {5, 6}, new float[] {7, 8}, -0.5f);
        t.put("a", new float[] {9, 9}, new float[] {9, 9}, 9f); // twice: once in the drain, latest values

        List<EmbeddingRow> changed = t.drainChanged();

        assertEquals(List.of("a", "b"), changed.stream().map(r -> r.item).collect(Collectors.toList()));
        EmbeddingRow a = changed.get(0);
        assertArrayEquals(new float[] {9, 9}, a.p);
        assertEquals(9f, a.b);
        assertTrue(t.drainChanged().isEmpty(), "drained");

        // rows are never changed in place: a drained row (shared with a published delta) keeps its values
        t.put("a", new float[] {0, 1}, new float[] {2, 3}, 4f);
        assertArrayEquals(new float[] {9, 9}, a.p, "the drained row is a snapshot: an update puts a new row");
        assertArrayEquals(new float[] {9, 9}, a.q);
        assertEquals(9f, a.b);
        assertArrayEquals(new float[] {0, 1}, t.get("a").p);
        t.drainChanged();

        t.put("b", new float[] {0, 0}, new float[] {0, 0}, 0);
        assertEquals(List.of("b"), t.drainChanged().stream().map(r -> r.item).collect(Collectors.toList()));
    }

    @Test
    void rowsNoLongerHeldAreNotDrained() {
        ItemEmbeddings t = new ItemEmbeddings(2, 2, 1);
        t.put("a", new float[2], new float[2], 0);
        t.put("b", new float[2], new float[2], 0);
        t.put("c", new float[2], new float[2], 0); // evicts a
        t.put("d", new float[2], new float[2], 0); // evicts b

        List<String> drained = t.drainChanged().stream().map(r -> r.item).collect(Collectors.toList());

        assertEquals(List.of("c", "d"), drained);
    }

    @Test
    void aRollBackReturnsToTheLastCommit() {
        ItemEmbeddings t = new ItemEmbeddings(2, 100, 1);
        t.put("a", new float[] {1, 1}, new float[] {1, 1}, 1);
        t.getOrInit("b");
        t.commit();
        EmbeddingRow b = t.get("b");

        t.put("a", new float[] {2, 2}, new float[] {2, 2}, 2);
        t.put("a", new float[] {3, 3}, new float[] {3, 3}, 3);
        t.put("b", new float[] {4, 4}, new float[] {4, 4}, 4);
        t.getOrInit("c"); // created, never changed
        t.getOrInit("d");
        t.put("d", new float[] {5, 5}, new float[] {5, 5}, 5); // created, then changed

        assertEquals(List.of("a", "b", "d"), t.changedRows().stream().map(r -> r.item).collect(Collectors.toList()));
        assertEquals(List.of("a", "b"), t.earlierRows().stream().map(r -> r.item).collect(Collectors.toList()));
        assertArrayEquals(new float[] {1, 1}, t.earlierRows().get(0).p, "the row at the commit, not a later one");
        assertEquals(Set.of("c", "d"), Set.copyOf(t.itemsSinceCommit()));

        t.rollBack();

        assertArrayEquals(new float[] {1, 1}, t.get("a").p);
        assertSame(b, t.get("b"), "an initial row committed is an earlier version like any other");
        assertNull(t.get("c"));
        assertNull(t.get("d"));
        assertEquals(2, t.size());
        assertTrue(t.changedRows().isEmpty());
        assertTrue(t.earlierRows().isEmpty());
        assertTrue(t.itemsSinceCommit().isEmpty());
    }

    @Test
    void aRestoredTableHasTheCheckpointsChangesToPublishOrRollBack() {
        ItemEmbeddings before = new ItemEmbeddings(2, 100, 1);
        before.put("a", new float[] {1, 1}, new float[] {1, 1}, 1);
        before.commit();
        before.put("a", new float[] {2, 2}, new float[] {2, 2}, 2);
        before.put("n", new float[] {3, 3}, new float[] {3, 3}, 3);

        ItemEmbeddings t = new ItemEmbeddings(2, 100, 1);
        for (EmbeddingRow r : before.rows()) t.put(r.item, r.p, r.q, r.b);
        t.restoreSinceCommit(before.earlierRows(), before.itemsSinceCommit());

        assertEquals(List.of("a", "n"), t.changedRows().stream().map(r -> r.item).collect(Collectors.toList()));
        assertArrayEquals(new float[] {2, 2}, t.changedRows().get(0).p);
        t.rollBack();
        assertArrayEquals(new float[] {1, 1}, t.get("a").p);
        assertNull(t.get("n"));
    }
}

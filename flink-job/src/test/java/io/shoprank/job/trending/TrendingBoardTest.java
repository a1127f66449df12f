package io.shoprank.job.trending;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Keys are {@code DecayedScores} keys; with a half-life of 1 s and {@code now = 0} a key k is worth 2^k, which
 * keeps the expected scores exact.
 */
class TrendingBoardTest {

    private static final double HALF_LIFE = 1_000;
    private static final double EPS = 1e-12;

    @Test
    void emptyBoardDrainsNothing() {
        TrendingBoard b = new TrendingBoard(2, 100);

        assertFalse(b.isDirty());
        assertTrue(b.drain(0, HALF_LIFE, 1).isEmpty());
    }

    @Test
    void drainsTheGlobalListFirstThenTheChangedCategoriesInOrder() {
        TrendingBoard b = new TrendingBoard(2, 100);
        b.update("a", "c1", 3, 10);
        b.update("b", "c1", 2, 20);
        b.update("c", "c2", 5, 30);
        b.update("d", null, 4, 40);
        assertTrue(b.isDirty());

        List<TrendingList> lists = b.drain(0, HALF_LIFE, 7);

        assertEquals(List.of("", "c1", "c2"), categories(lists));
        TrendingList global = lists.get(0);
        assertTrue(global.isGlobal());
        assertArrayEquals(new String[] {"c", "d"}, global.items, "cut to size 2; d has no category but is global");
        assertArrayEquals(new double[] {32, 16}, global.scores, EPS);
        assertEquals(7, global.version);
        assertEquals(0, global.asOfTs);
        assertArrayEquals(new String[] {"a", "b"}, lists.get(1).items);
        assertArrayEquals(new double[] {8, 4}, lists.get(1).scores, EPS);
        assertArrayEquals(new String[] {"c"}, lists.get(2).items);
        assertFalse(lists.get(1).isGlobal());
        assertFalse(b.isDirty());
    }

    @Test
    void scoresAreDecayedToTheDrainTime() {
        TrendingBoard b = new TrendingBoard(2, 100);
        b.update("a", "c1", 3, 0);

        TrendingList global = b.drain(2_000, HALF_LIFE, 1).get(0);

        assertArrayEquals(new double[] {2}, global.scores, EPS);
        assertEquals(2_000, global.asOfTs);
    }

    @Test
    void secondDrainWithoutUpdatesIsEmptyAndOnlyDirtyCategoriesComeBack() {
        TrendingBoard b = new TrendingBoard(2, 100);
        b.update("a", "c1", 3, 0);
        b.update("b", "c1", 2, 0);
        b.update("c", "c2", 5, 0);
        b.drain(0, HALF_LIFE, 1);
        assertTrue(b.drain(0, HALF_LIFE, 2).isEmpty());

        b.update("b", "c1", 6, 0); // b overtakes everyone

        List<TrendingList> lists = b.drain(0, HALF_LIFE, 3);
        assertEquals(List.of("", "c1"), categories(lists), "c2 did not change");
        assertArrayEquals(new String[] {"b", "c"}, lists.get(0).items);
        assertArrayEquals(new String[] {"b", "a"}, lists.get(1).items);
        assertEquals(3, lists.get(1).version);
    }

    @Test
    void itemChangingCategoryRefreshesBothCategories() {
        TrendingBoard b = new TrendingBoard(2, 100);
        b.update("a", "c1", 3, 0);
        b.update("b", "c1", 2, 0);
        b.update("c", "c2", 1, 0);
        b.drain(0, HALF_LIFE, 1);

        b.update("a", "c2", 3, 0);

        List<TrendingList> lists = b.drain(0, HALF_LIFE, 2);
        assertEquals(List.of("", "c1", "c2"), categories(lists));
        assertArrayEquals(new String[] {"b"}, lists.get(1).items);
        assertArrayEquals(new String[] {"a", "c"}, lists.get(2).items);
    }

    @Test
    void categoryWhoseLastItemLeftDrainsAsAnEmptyList() {
        TrendingBoard b = new TrendingBoard(2, 100);
        b.update("a", "c1", 3, 0);
        b.drain(0, HALF_LIFE, 1);

        b.update("a", "c2", 3, 0);

        List<TrendingList> lists = b.drain(0, HALF_LIFE, 2);
        assertEquals(List.of("", "c1", "c2"), categories(lists));
        assertEquals(0, lists.get(1).items.length);
    }

    @Test
    void tiesAreBrokenByItemId() {
        TrendingBoard b = new TrendingBoard(3, 100);
        b.update("z", "c", 1, 0);
        b.update("m", "c", 1, 0);
        b.update("a", "c", 1, 0);

        assertArrayEquals(new String[] {"a", "m", "z"}, b.drain(0, HALF_LIFE, 1).get(0).items);
    }

    @Test
    void overflowPrunesToTheGlobalTopAndEachCategoryTop() {
        TrendingBoard b = new TrendingBoard(1, 3);
        b.update("a", "c1", 1, 0);
        b.update("b", "c1", 2, 0);
        b.update("c", "c2", 3, 0);
        assertEquals(3, b.tracked());

        b.update("d", "c2", 4, 0); // 4 > 3 tracked: keep d (global and c2 top) and b (c1 top)

        assertEquals(Set.of("b", "d"), b.entries().stream().map(e -> e.item).collect(Collectors.toSet()));
        List<TrendingList> lists = b.drain(0, HALF_LIFE, 1);
        assertArrayEquals(new String[] {"d"}, lists.get(0).items);
        assertArrayEquals(new String[] {"b"}, lists.get(1).items);
        assertArrayEquals(new String[] {"d"}, lists.get(2).items);
    }

    @Test
    void pruneKeepsUncategorisedItemsOnlyInTheGlobalTop() {
        TrendingBoard b = new TrendingBoard(1, 2);
        b.update("x", null, 1, 0);
        b.update("y", null, 5, 0);
        b.update("a", "c1", 2, 0);

        assertEquals(Set.of("y", "a"), b.entries().stream().map(e -> e.item).collect(Collectors.toSet()));
    }

    @Test
    void prunedBoardStaysBoundedAndKeepsTheTopEntries() {
        TrendingBoard b = new TrendingBoard(5, 50);
        for (int i = 0; i < 1_000; i++) {
            b.update("i" + i, "c" + (i % 3), i, 0); // later items are stronger
        }

        assertTrue(b.tracked() <= 50, "tracked " + b.tracked());
        List<TrendingList> lists = b.drain(0, HALF_LIFE, 1);
        assertArrayEquals(new String[] {"i999", "i998", "i997", "i996", "i995"}, lists.get(0).items);
        assertArrayEquals(new String[] {"i999", "i996", "i993", "i990", "i987"}, lists.get(1).items); // c0
        assertArrayEquals(new String[] {"i997", "i994", "i991", "i988", "i985"}, lists.get(2).items); // c1
    }

    @Test
    void entriesRestoreIntoAnEqualBoard() {
        TrendingBoard b = new TrendingBoard(2, 100);
        b.update("a", "c1", 3, 10);
        b.update("b", "c2", 2, 20);
        List<TrendingBoard.Entry> saved = new ArrayList<>(b.entries());

        TrendingBoard restored = new TrendingBoard(2, 100);
        restored.restore(saved);

        assertEquals(2, restored.tracked());
        restored.update("c", "c1", 1, 30);
        List<TrendingList> lists = restored.drain(0, HALF_LIFE, 5);
        assertArrayEquals(new String[] {"a", "b"}, lists.get(0).items);
        assertArrayEquals(new String[] {"a", "c"}, lists.get(1).items);
    }

    @Test
    void restoredBoardRepublishesEveryCategory() {
        // what was updated before a checkpoint but not yet drained must not be lost on recovery
        TrendingBoard b = new TrendingBoard(2, 100);
        b.update("a", "c1", 3, 10);
        b.update("b", "c2", 2, 20);

        TrendingBoard restored = new TrendingBoard(2, 100);
        restored.restore(new ArrayList<>(b.entries()));

        assertTrue(restored.isDirty());
        List<TrendingList> lists = restored.drain(0, HALF_LIFE, 1);
        assertEquals(List.of("", "c1", "c2"), categories(lists));
        assertArrayEquals(new String[] {"a", "b"}, lists.get(0).items);
        assertArrayEquals(new String[] {"a"}, lists.get(1).items);
        assertArrayEquals(new String[] {"b"}, lists.get(2).items);
    }

    private static List<String> categories(List<TrendingList> lists) {
        return lists.stream().map(l -> l.category).collect(Collectors.toList());
    }
}

package io.shoprank.job.trending;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
    void removedItemLeavesItsListsUntilItsNextUpdate() {
        TrendingBoard b = new TrendingBoard(2, 100);
        b.update("a", "c1", 3, 0);
        b.update("b", "c1", 2, 0);
        b.update("c", "c2", 1, 0);
        b.drain(0, HALF_LIFE, 1);

        b.remove("a");

        List<TrendingList> lists = b.drain(0, HALF_LIFE, 2);
        assertEquals(List.of("", "c1"), categories(lists));
        assertArrayEquals(new String[] {"b"}, lists.get(0).items, "its place stays free: c was pushed out");
        assertArrayEquals(new String[] {"b"}, lists.get(1).items);

        b.remove("a");
        b.remove("unknown");
        assertTrue(b.drain(0, HALF_LIFE, 3).isEmpty(), "removing what is not held changes nothing");

        b.update("a", "c1", 3, 0);
        lists = b.drain(0, HALF_LIFE, 4);
        assertArrayEquals(new String[] {"a", "b"}, lists.get(0).items);
        assertArrayEquals(new String[] {"a", "b"}, lists.get(1).items);
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
    void aFullTopEvictsItsWeakestEntry() {
        TrendingBoard b = new TrendingBoard(2, 2);
        b.update("a", "c1", 1, 0);
        b.update("b", "c1", 2, 0);
        assertEquals(4, b.tracked(), "a and b, in the global top and in c1's");

        b.update("c", "c1", 3, 0);

        assertEquals(4, b.tracked(), "a left both tops");
        assertEquals(Set.of("b", "c"), items(b.entries()));
        List<TrendingList> lists = b.drain(0, HALF_LIFE, 1);
        assertArrayEquals(new String[] {"c", "b"}, lists.get(0).items);
        assertArrayEquals(new double[] {8, 4}, lists.get(0).scores, EPS);
        assertArrayEquals(new String[] {"c", "b"}, lists.get(1).items);
    }

    @Test
    void anItemBelowAFullTopChangesNothing() {
        TrendingBoard b = new TrendingBoard(2, 2);
        b.update("b", "c1", 2, 0);
        b.update("c", "c1", 3, 0);
        b.drain(0, HALF_LIFE, 1);

        b.update("a", "c1", 1, 0);

        assertFalse(b.isDirty(), "neither top took a");
        assertTrue(b.drain(0, HALF_LIFE, 2).isEmpty());
        assertEquals(4, b.tracked());
    }

    @Test
    void aStaleUpdateIsIgnored() {
        TrendingBoard b = new TrendingBoard(2, 2);
        b.update("a", "c1", 5, 0);
        b.update("b", "c1", 4, 0);
        b.drain(0, HALF_LIFE, 1);

        b.update("a", "c1", 3, 0); // an older key of a, delivered late

        assertFalse(b.isDirty());
        TrendingList global = b.list(TrendingList.GLOBAL, 0, HALF_LIFE, 2);
        assertArrayEquals(new String[] {"a", "b"}, global.items);
        assertArrayEquals(new double[] {32, 16}, global.scores, EPS, "a keeps its newer key");
        assertArrayEquals(new String[] {"a", "b"}, b.list("c1", 0, HALF_LIFE, 2).items);
    }

    @Test
    void aStaleUpdateDoesNotMoveTheItemToItsOldCategory() {
        TrendingBoard b = new TrendingBoard(2, 2);
        b.update("a", "c1", 3, 0);
        b.update("a", "c2", 5, 0); // a moved to c2
        b.drain(0, HALF_LIFE, 1);

        b.update("a", "c1", 4, 0); // older than the move, delivered late

        assertFalse(b.isDirty());
        assertEquals(0, b.list("c1", 0, HALF_LIFE, 2).items.length);
        TrendingList c2 = b.list("c2", 0, HALF_LIFE, 2);
        assertArrayEquals(new String[] {"a"}, c2.items);
        assertArrayEquals(new double[] {32}, c2.scores, EPS);
        assertEquals("c2", b.entries().iterator().next().category);
    }

    @Test
    void anEvictedItemComesBackWithAHigherKey() {
        TrendingBoard b = new TrendingBoard(2, 2);
        b.update("a", "c1", 1, 0);
        b.update("b", "c1", 2, 0);
        b.update("c", "c1", 3, 0); // a evicted from both tops
        b.drain(0, HALF_LIFE, 1);

        b.update("a", "c1", 4, 0);

        List<TrendingList> lists = b.drain(0, HALF_LIFE, 2);
        assertEquals(List.of("", "c1"), categories(lists));
        assertArrayEquals(new String[] {"a", "c"}, lists.get(0).items, "b is out now");
        assertArrayEquals(new double[] {16, 8}, lists.get(0).scores, EPS);
        assertArrayEquals(new String[] {"a", "c"}, lists.get(1).items);
        assertEquals(Set.of("a", "c"), items(b.entries()));
    }

    @Test
    void anItemOutsideTheGlobalTopChangingCategoryLeavesItsOldCategory() {
        TrendingBoard b = new TrendingBoard(1, 2);
        b.update("x", "c1", 5, 0);
        b.update("a", "c1", 1, 0); // in c1's top only
        b.drain(0, HALF_LIFE, 1);

        b.update("a", "c2", 2, 0);

        List<TrendingList> lists = b.drain(0, HALF_LIFE, 2);
        assertEquals(List.of("", "c1", "c2"), categories(lists));
        assertArrayEquals(new String[] {"x"}, lists.get(0).items, "a is still below the global top");
        assertArrayEquals(new String[] {"x"}, lists.get(1).items);
        assertArrayEquals(new String[] {"a"}, lists.get(2).items);
        assertArrayEquals(new double[] {4}, lists.get(2).scores, EPS);
        assertEquals(3, b.tracked(), "x twice, a once");
    }

    @Test
    void anItemChangingCategoryLeavesItsOldCategoryEvenWhenTheNewOneIsFull() {
        TrendingBoard b = new TrendingBoard(1, 1);
        b.update("x", "c2", 9, 0);
        b.update("a", "c1", 1, 0);
        b.drain(0, HALF_LIFE, 1);

        b.update("a", "c2", 2, 0); // c2's top is x

        List<TrendingList> lists = b.drain(0, HALF_LIFE, 2);
        assertEquals(List.of("", "c1"), categories(lists), "c2 did not change");
        assertEquals(0, lists.get(1).items.length);
        assertEquals(Set.of("x"), items(b.entries()));
    }

    @Test
    void anItemEvictedFromItsCategoryTopChangesNothingThereWhenItMoves() {
        TrendingBoard b = new TrendingBoard(2, 1);
        b.update("a", "c1", 1, 0);
        b.update("b", "c1", 2, 0); // a leaves c1's top of 1, stays in the global top
        b.drain(0, HALF_LIFE, 1);

        b.update("a", "c2", 3, 0);

        List<TrendingList> lists = b.drain(0, HALF_LIFE, 2);
        assertEquals(List.of("", "c2"), categories(lists), "c1 no longer held a");
        assertArrayEquals(new String[] {"a", "b"}, lists.get(0).items);
        assertArrayEquals(new String[] {"a"}, lists.get(1).items);
        assertArrayEquals(new String[] {"b"}, b.list("c1", 0, HALF_LIFE, 2).items);
    }

    @Test
    void uncategorisedItemsAreOnlyInTheGlobalTop() {
        TrendingBoard b = new TrendingBoard(2, 2);
        b.update("x", null, 1, 0);
        b.update("a", "c1", 2, 0);

        assertEquals(3, b.tracked());
        List<TrendingList> lists = b.drain(0, HALF_LIFE, 1);
        assertEquals(List.of("", "c1"), categories(lists));
        assertArrayEquals(new String[] {"a", "x"}, lists.get(0).items);
        assertArrayEquals(new String[] {"a"}, lists.get(1).items);
    }

    @Test
    void boardStaysBoundedByItsTops() {
        TrendingBoard b = new TrendingBoard(5, 4);
        for (int i = 0; i < 1_000; i++) {
            b.update("i" + i, "c" + (i % 3), i, 0); // later items are stronger
        }

        assertEquals(5 + 3 * 4, b.tracked());
        List<TrendingList> lists = b.drain(0, HALF_LIFE, 1);
        assertEquals(List.of("", "c0", "c1", "c2"), categories(lists));
        assertArrayEquals(new String[] {"i999", "i998", "i997", "i996", "i995"}, lists.get(0).items);
        assertArrayEquals(new String[] {"i999", "i996", "i993", "i990"}, lists.get(1).items);
        assertArrayEquals(new String[] {"i997", "i994", "i991", "i988"}, lists.get(2).items);
        assertArrayEquals(new String[] {"i998", "i995", "i992", "i989"}, lists.get(3).items);
    }

    @Test
    void listOfAnUnknownCategoryIsEmpty() {
        TrendingBoard b = new TrendingBoard(2, 2);
        b.update("a", "c1", 1, 0);

        TrendingList l = b.list("nope", 0, HALF_LIFE, 3);

        assertEquals("nope", l.category);
        assertEquals(0, l.items.length);
        assertEquals(3, l.version);
        assertTrue(b.list(null, 0, HALF_LIFE, 3).isGlobal(), "null is the global list");
        assertArrayEquals(new String[] {"a"}, b.list(null, 0, HALF_LIFE, 3).items);
    }

    @Test
    void entriesRestoreIntoAnEqualBoard() {
        TrendingBoard b = new TrendingBoard(2, 100);
        b.update("a", "c1", 3, 10);
        b.update("b", "c2", 2, 20);
        List<TrendingBoard.Entry> saved = new ArrayList<>(b.entries());

        TrendingBoard restored = new TrendingBoard(2, 100);
        restored.restore(saved);

        assertEquals(4, restored.tracked(), "a and b in the global top and in their categories' tops");
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

    @Test
    void restoreMergesBoardsKeepingTheBestKeyPerItem() {
        // after a rescale the union state hands every old board's entries to each new one
        TrendingBoard one = new TrendingBoard(3, 2);
        one.update("a", "c1", 5, 10);
        one.update("b", "c1", 2, 10);
        one.update("m", "c2", 4, 10); // moved to c3 later, as the other board saw
        TrendingBoard two = new TrendingBoard(3, 2);
        two.update("a", "c1", 3, 5);  // an older key of a
        two.update("c", "c1", 4, 20);
        two.update("m", "c3", 6, 30);

        for (List<TrendingBoard.Entry> saved : List.of(concat(one.entries(), two.entries()),
                concat(two.entries(), one.entries()))) {
            TrendingBoard merged = new TrendingBoard(3, 2);
            merged.restore(saved);

            assertTrue(merged.isDirty());
            Map<String, TrendingList> lists = merged.drain(0, HALF_LIFE, 1).stream()
                    .collect(Collectors.toMap(l -> l.category, l -> l));
            assertTrue(lists.keySet().containsAll(List.of("", "c1", "c3")), "republished: " + lists.keySet());
            assertArrayEquals(new String[] {"m", "a", "c"}, lists.get("").items);
            assertArrayEquals(new double[] {64, 32, 16}, lists.get("").scores, EPS);
            assertArrayEquals(new String[] {"a", "c"}, lists.get("c1").items, "b fell out of c1's top of 2");
            assertArrayEquals(new double[] {32, 16}, lists.get("c1").scores, EPS);
            assertArrayEquals(new String[] {"m"}, lists.get("c3").items);
            assertEquals(0, merged.list("c2", 0, HALF_LIFE, 1).items.length, "m left c2");
            assertEquals(3 + 2 + 1, merged.tracked());
        }
    }

    private static List<TrendingBoard.Entry> concat(Collection<TrendingBoard.Entry> a,
                                                    Collection<TrendingBoard.Entry> b) {
        List<TrendingBoard.Entry> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Set<String> items(Collection<TrendingBoard.Entry> entries) {
        return entries.stream().map(e -> e.item).collect(Collectors.toSet());
    }

    private static List<String> categories(List<TrendingList> lists) {
        return lists.stream().map(l -> l.category).collect(Collectors.toList());
    }
}

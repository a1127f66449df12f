package io.shoprank.store;

import static io.shoprank.store.ListRefresh.Order.FILL_FIRST;
import static io.shoprank.store.ListRefresh.Order.SLOTS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListRefreshTest {

    private static final String NOW = ListRefresh.POPULAR_NOW;

    private static ListRefresh.Current trending(java.util.function.Function<String, List<String>> lists) {
        return new ListRefresh.Current() {
            @Override
            public List<String> trending(String source) {
                return lists.apply(source);
            }

            @Override
            public ListRefresh.Similar similar(String item) {
                return ListRefresh.Similar.NONE;
            }
        };
    }
    private static final String SHOES = ListRefresh.reasonFor("shoes");

    @Test
    void fillEntriesTakeTheCurrentTrendingItemsInOrderAndPersonalOnesKeepTheirPlaces() {
        List<String> items = List.of("a", "old1", "b", "old2", "old3");
        List<String> reasons = List.of("viewed together with x", SHOES, "similar to items you viewed", NOW, SHOES);
        Map<String, List<String>> current = Map.of(
                "shoes", List.of("s1", "b", "s2", "s3"), // b is in the list already
                "", List.of("s2", "t1"));                 // s2 is taken by the shoes slot before it

        ListRefresh.Refreshed out =
                ListRefresh.refresh(items, reasons, List.of("s1"), List.of(), trending(current::get), SLOTS);

        assertEquals(List.of("a", "s2", "b", "t1", "s3"), out.items());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, out.slots());
        assertEquals(reasons, out.aligned(reasons));
    }

    @Test
    void fillFirstPutsTheRefreshedTrendingEntriesAheadWithTheirSlotsScoresAndReasons() {
        List<String> items = List.of("a", "old1", "b", "old2");
        List<String> reasons = List.of("viewed together with x", SHOES, "similar to items you viewed", NOW);
        Map<String, List<String>> current = Map.of("shoes", List.of("s1"), "", List.of("t1"));

        ListRefresh.Refreshed out =
                ListRefresh.refresh(items, reasons, List.of(), List.of(), trending(current::get), FILL_FIRST);

        assertEquals(List.of("s1", "t1", "a", "b"), out.items());
        assertEquals(List.of(0.3, 0.1, 0.4, 0.2), out.aligned(List.of(0.4, 0.3, 0.2, 0.1)));
        assertEquals(List.of(SHOES, NOW, "viewed together with x", "similar to items you viewed"),
                out.aligned(reasons));
    }

    @Test
    void bothOrdersComeFromOneRefresh() {
        List<String> items = List.of("a", "old1", "b", "old2", "old3");
        List<String> reasons = List.of("viewed together with x", SHOES, "similar to items you viewed", NOW, SHOES);
        Map<String, List<String>> current = Map.of("shoes", List.of("s1", "a"), "", List.of("t1"));

        ListRefresh.Refreshed slots =
                ListRefresh.refresh(items, reasons, List.of(), List.of(), trending(current::get), SLOTS);
        ListRefresh.Refreshed fillFirst =
                ListRefresh.refresh(items, reasons, List.of(), List.of(), trending(current::get), FILL_FIRST);
        ListRefresh.Refreshed reordered = slots.ordered(FILL_FIRST, reasons);

        assertEquals(List.of("s1", "t1", "old3", "a", "b"), fillFirst.items(), "the last shoes slot kept its item");
        assertEquals(fillFirst.items(), reordered.items());
        assertEquals(fillFirst.reasons(), reordered.reasons());
        assertArrayEquals(fillFirst.slots(), reordered.slots());
        assertSame(slots, slots.ordered(SLOTS, reasons));
    }

    @Test
    void readsTheStoredOrder() {
        assertEquals(FILL_FIRST, ListRefresh.Order.parse("fill_first"));
        assertEquals(SLOTS, ListRefresh.Order.parse("slots"));
        assertEquals(SLOTS, ListRefresh.Order.parse(null));
    }

    @Test
    void aSlotWithNothingLeftKeepsItsOldItemOrIsLeftEmpty() {
        List<String> items = List.of("old1", "old2", "a");
        List<String> reasons = List.of(NOW, NOW, "similar to items you viewed");

        ListRefresh.Refreshed out = ListRefresh.refresh(items, reasons, List.of(), List.of(),
                trending(s -> s.isEmpty() ? List.of("a") : null), SLOTS);

        assertEquals(List.of("old1", "old2", "a"), out.items()); // "a" is personal: the slots keep their own items

        ListRefresh.Refreshed gone = ListRefresh.refresh(List.of("old1", "old1x"), List.of(NOW, NOW),
                List.of("old1"), List.of(), trending(s -> List.of()), SLOTS);
        // the first slot's old item is excluded (a hand-made case: the job never stores an excluded item), so it
        // takes the next stored item still free; the second slot then has nothing left: dropped
        assertEquals(List.of("old1x"), gone.items());
        assertArrayEquals(new int[] {0}, gone.slots());
    }

    @Test
    void aSlotWhoseOldItemWasTakenByAnEarlierSlotTakesAnotherStoredItemSoTheListKeepsItsLength() {
        List<String> items = List.of("a", "b");
        List<String> reasons = List.of(NOW, "viewed together with x");

        // trending now has b first: the first slot takes it; x has no similar-items list any more
        ListRefresh.Refreshed out = ListRefresh.refresh(items, reasons, List.of(), List.of("x"),
                trending(s -> List.of("b")), SLOTS);

        assertEquals(List.of("b", "a"), out.items());
    }

    @Test
    void coVisitationEntriesAreRecomputedFromTheSeedsCurrentSimilarLists() {
        List<String> items = List.of("old1", "e", "old2", "old3");
        List<String> reasons = List.of("viewed together with x", "similar to items you viewed",
                "viewed together with y", NOW);
        Map<String, ListRefresh.Similar> similar = Map.of(
                "x", new ListRefresh.Similar(List.of("c1", "c2", "e"), List.of(4.0, 1.0, 9.0)),
                "y", new ListRefresh.Similar(List.of("c2", "c3", "z"), List.of(6.0, 2.0, 8.0)));
        ListRefresh.Current current = new ListRefresh.Current() {
            @Override
            public List<String> trending(String source) {
                return List.of("c1", "t1");
            }

            @Override
            public ListRefresh.Similar similar(String item) {
                return similar.get(item);
            }
        };

        // seeds x (distance 0) then y (1): c1 4, c2 1 + 6/2 = 4 (x's first, ties keep first-seen order), c3 1;
        // e is the embedding entry's, z is excluded
        ListRefresh.Refreshed out = ListRefresh.refresh(items, reasons, List.of("z"), List.of("x", "y"), current,
                SLOTS);

        assertEquals(List.of("c1", "e", "c2", "t1"), out.items());
        assertEquals(List.of("viewed together with x", "similar to items you viewed", "viewed together with y",
                NOW), out.reasons(), "c2 owes most to y (3 against 1)");
    }

    @Test
    void aListWithoutRefreshableEntriesComesBackUnchanged() {
        List<String> items = List.of("a", "b");
        List<String> reasons = List.of("similar to items you viewed", "");

        assertEquals(items, ListRefresh.refresh(items, reasons, List.of("z"), List.of("x"),
                trending(s -> List.of("t1")), FILL_FIRST).items());
    }

    @Test
    void readsTheSourceOfAnEntryFromItsReason() {
        assertEquals("", ListRefresh.fillSource("popular now"));
        assertEquals("Home & Garden", ListRefresh.fillSource("popular in Home & Garden"));
        assertNull(ListRefresh.fillSource("viewed together with i9"));
        assertNull(ListRefresh.fillSource(null));
        assertEquals(List.of("shoes", ""), List.copyOf(ListRefresh.sources(List.of(SHOES, "x", NOW, SHOES))));
        assertTrue(ListRefresh.needsSimilar(List.of(NOW, "viewed together with i9")));
        assertFalse(ListRefresh.needsSimilar(List.of(NOW, SHOES, "similar to items you viewed")));
    }

    @Test
    void aListIsStaleOnceTrendingIsTheThresholdAhead() {
        long hour = ListRefresh.DEFAULT_STALE_AFTER_MS;
        assertFalse(ListRefresh.isStale(1_000, 1_000 + hour - 1, hour));
        assertTrue(ListRefresh.isStale(1_000, 1_000 + hour, hour));
        assertFalse(ListRefresh.isStale(5_000, 1_000, hour)); // trending behind the list
    }
}

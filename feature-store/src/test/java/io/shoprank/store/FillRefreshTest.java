package io.shoprank.store;

import static io.shoprank.store.FillRefresh.Order.FILL_FIRST;
import static io.shoprank.store.FillRefresh.Order.SLOTS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FillRefreshTest {

    private static final String NOW = FillRefresh.POPULAR_NOW;
    private static final String SHOES = FillRefresh.reasonFor("shoes");

    @Test
    void fillEntriesTakeTheCurrentTrendingItemsInOrderAndPersonalOnesKeepTheirPlaces() {
        List<String> items = List.of("a", "old1", "b", "old2", "old3");
        List<String> reasons = List.of("viewed together with x", SHOES, "similar to items you viewed", NOW, SHOES);
        Map<String, List<String>> current = Map.of(
                "shoes", List.of("s1", "b", "s2", "s3"), // b is in the list already
                "", List.of("s2", "t1"));                 // s2 is taken by the shoes slot before it

        FillRefresh.Refreshed out = FillRefresh.refresh(items, reasons, List.of("s1"), current::get, SLOTS);

        assertEquals(List.of("a", "s2", "b", "t1", "s3"), out.items());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, out.slots());
        assertEquals(reasons, out.aligned(reasons));
    }

    @Test
    void fillFirstPutsTheRefreshedTrendingEntriesAheadWithTheirSlotsScoresAndReasons() {
        List<String> items = List.of("a", "old1", "b", "old2");
        List<String> reasons = List.of("viewed together with x", SHOES, "similar to items you viewed", NOW);
        Map<String, List<String>> current = Map.of("shoes", List.of("s1"), "", List.of("t1"));

        FillRefresh.Refreshed out = FillRefresh.refresh(items, reasons, List.of(), current::get, FILL_FIRST);

        assertEquals(List.of("s1", "t1", "a", "b"), out.items());
        assertEquals(List.of(0.3, 0.1, 0.4, 0.2), out.aligned(List.of(0.4, 0.3, 0.2, 0.1)));
        assertEquals(List.of(SHOES, NOW, "viewed together with x", "similar to items you viewed"),
                out.aligned(reasons));
    }

    @Test
    void readsTheStoredOrder() {
        assertEquals(FILL_FIRST, FillRefresh.Order.parse("fill_first"));
        assertEquals(SLOTS, FillRefresh.Order.parse("slots"));
        assertEquals(SLOTS, FillRefresh.Order.parse(null));
    }

    @Test
    void aSlotWithNothingLeftKeepsItsOldItemOrIsLeftEmpty() {
        List<String> items = List.of("old1", "old2", "a");
        List<String> reasons = List.of(NOW, NOW, "viewed together with x");

        FillRefresh.Refreshed out = FillRefresh.refresh(items, reasons, List.of(),
                s -> s.isEmpty() ? List.of("a") : null, SLOTS);

        assertEquals(List.of("old1", "old2", "a"), out.items()); // "a" is personal: the slots keep their own items

        FillRefresh.Refreshed gone = FillRefresh.refresh(List.of("old1", "old1x"), List.of(NOW, NOW),
                List.of("old1"), s -> List.of(), SLOTS);
        // the first slot's old item is excluded now and nothing else is left: dropped
        assertEquals(List.of("old1x"), gone.items());
        assertArrayEquals(new int[] {1}, gone.slots());
    }

    @Test
    void aListWithoutFillComesBackUnchanged() {
        List<String> items = List.of("a", "b");
        List<String> reasons = List.of("viewed together with x", "");

        assertEquals(items, FillRefresh.refresh(items, reasons, List.of("z"), s -> List.of("t1"), FILL_FIRST).items());
    }

    @Test
    void readsTheSourceOfAnEntryFromItsReason() {
        assertEquals("", FillRefresh.fillSource("popular now"));
        assertEquals("Home & Garden", FillRefresh.fillSource("popular in Home & Garden"));
        assertNull(FillRefresh.fillSource("viewed together with i9"));
        assertNull(FillRefresh.fillSource(null));
        assertEquals(List.of("shoes", ""), List.copyOf(FillRefresh.sources(List.of(SHOES, "x", NOW, SHOES))));
    }

    @Test
    void aListIsStaleOnceTrendingIsTheThresholdAhead() {
        long hour = FillRefresh.DEFAULT_STALE_AFTER_MS;
        assertFalse(FillRefresh.isStale(1_000, 1_000 + hour - 1, hour));
        assertTrue(FillRefresh.isStale(1_000, 1_000 + hour, hour));
        assertFalse(FillRefresh.isStale(5_000, 1_000, hour)); // trending behind the list
    }
}

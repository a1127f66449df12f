package io.shoprank.job.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecentItemsTest {

    @Test
    void pushPutsTheNewestFirst() {
        String[] r = RecentItems.empty();
        r = RecentItems.push(r, "a", 3);
        r = RecentItems.push(r, "b", 3);
        r = RecentItems.push(r, "c", 3);

        assertArrayEquals(new String[] {"c", "b", "a"}, r);
    }

    @Test
    void capacityDropsTheOldest() {
        String[] r = {"c", "b", "a"};

        assertArrayEquals(new String[] {"d", "c", "b"}, RecentItems.push(r, "d", 3));
        assertArrayEquals(new String[] {"d"}, RecentItems.push(r, "d", 1));
    }

    @Test
    void anIdSeenAgainMovesToTheFrontWithoutDuplicate() {
        String[] r = {"d", "c", "b"};

        assertArrayEquals(new String[] {"b", "d", "c"}, RecentItems.push(r, "b", 3));
        assertArrayEquals(new String[] {"c", "d", "b"}, RecentItems.push(r, "c", 3));
        assertArrayEquals(new String[] {"d", "c", "b"}, RecentItems.push(r, "d", 3));
    }

    @Test
    void pushDoesNotChangeItsInput() {
        String[] r = {"b", "a"};

        String[] out = RecentItems.push(r, "c", 3);

        assertNotSame(r, out);
        assertArrayEquals(new String[] {"b", "a"}, r);
    }

    @Test
    void containsAndCopy() {
        String[] r = {"b", "a"};

        assertTrue(RecentItems.contains(r, "a"));
        assertFalse(RecentItems.contains(r, "z"));
        assertFalse(RecentItems.contains(RecentItems.empty(), "a"));
        String[] copy = RecentItems.copy(r);
        assertNotSame(r, copy);
        assertArrayEquals(r, copy);
    }

    @Test
    void staysWithinCapacityOverALongStream() {
        String[] r = RecentItems.empty();
        for (int i = 0; i < 1_000; i++) {
            r = RecentItems.push(r, "i" + (i % 37), 10);
        }
        assertArrayEquals(new String[] {"i0", "i36", "i35", "i34", "i33", "i32", "i31", "i30", "i29", "i28"}, r);
    }
}

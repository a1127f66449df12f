package io.shoprank.job.covisit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** An item's views waiting for their label: lookup by user, removal, closing by time, in view order. */
class PendingViewsTest {

    @Test
    void viewsAreFoundByUserAndRemovedWithTheirFeatures() {
        PendingViews p = new PendingViews();
        p.add("u1", 100, new int[] {1, 2, 3});
        p.add("u2", 200, new int[] {4, 5, 6});
        p.add("u3", 300, new int[] {7, 8, 9});
        assertEquals(1, p.indexOf("u2"));
        assertEquals(-1, p.indexOf("nobody"));

        PendingViews.View v = p.remove(1);
        assertEquals("u2", v.user());
        assertEquals(200, v.ts());
        assertArrayEquals(new int[] {4, 5, 6}, v.idx());
        assertEquals(2, p.size());
        assertArrayEquals(new String[] {"u1", "u3"}, p.users);
        assertArrayEquals(new long[] {100, 300}, p.ts);
        assertArrayEquals(new int[] {1, 2, 3, 7, 8, 9}, p.idx, "the others' features stay with them");
    }

    @Test
    void closingTakesTheViewsWhoseWindowEndedByThenInViewOrder() {
        PendingViews p = new PendingViews();
        p.add("late", 500, new int[] {5});
        p.add("early", 100, new int[] {1});
        p.add("edge", 400, new int[] {4});

        assertEquals(100, p.earliestTs(), "the earliest, not the first added");

        PendingViews.View[] closed = p.closeUpTo(1_400, 1_000);
        assertEquals(2, closed.length, "windows of 100 and 400 end at 1,100 and 1,400 (inclusive)");
        assertEquals("early", closed[0].user());
        assertEquals("edge", closed[1].user());
        assertArrayEquals(new int[] {4}, closed[1].idx());
        assertArrayEquals(new String[] {"late"}, p.users);
        assertArrayEquals(new int[] {5}, p.idx);

        assertEquals(0, p.closeUpTo(1_499, 1_000).length);
        assertEquals(500, p.earliestTs());
        assertEquals(1, p.closeUpTo(1_500, 1_000).length);
        assertEquals(0, p.size());
        assertEquals(Long.MAX_VALUE, p.earliestTs(), "none waits");
    }

    @Test
    void everyViewHasTheSameNumberOfFeatures() {
        PendingViews p = new PendingViews();
        p.add("u1", 1, new int[] {1, 2});
        assertThrows(IllegalArgumentException.class, () -> p.add("u2", 2, new int[] {1}));
    }
}

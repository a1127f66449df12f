package io.shoprank.job.covisit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventType;

import org.junit.jupiter.api.Test;

class UserSequenceTest {

    private static final double EPS = 1e-12;

    private final UserSequence s = new UserSequence();

    @Test
    void firstEventHasNoPairs() {
        UserSequence.Pairs p = s.pairsFor(view("a"));

        assertArrayEquals(new String[0], p.others());
        assertArrayEquals(new double[0], p.weights());
    }

    @Test
    void pairsWithEarlierItemsMostRecentFirstDiscountedByDistance() {
        s.append(view("a"), 5);
        s.append(view("b"), 5);
        s.append(view("c"), 5);

        UserSequence.Pairs p = s.pairsFor(view("d"));

        assertArrayEquals(new String[] {"c", "b", "a"}, p.others());
        assertArrayEquals(new double[] {1.0, 1 / Math.sqrt(2), 1 / Math.sqrt(3)}, p.weights(), EPS);
    }

    @Test
    void weightFollowsTheNewEventsType() {
        s.append(view("a"), 5);
        s.append(view("b"), 5);

        UserSequence.Pairs p = s.pairsFor(new Event(0, EventType.PURCHASE, "u", "c", null));

        assertArrayEquals(new double[] {4.0, 4 / Math.sqrt(2)}, p.weights(), EPS);
        assertEquals(3.0, PairWeights.of(EventType.CART, 0), EPS);
        assertEquals(2.0 / Math.sqrt(4), PairWeights.of(EventType.FAV, 3), EPS);
    }

    @Test
    void itemIsNeverPairedWithItselfAndDistanceSkipsIt() {
        s.append(view("a"), 5);
        s.append(view("b"), 5);
        s.append(view("c"), 5);

        UserSequence.Pairs p = s.pairsFor(view("b"));

        assertArrayEquals(new String[] {"c", "a"}, p.others());
        assertArrayEquals(new double[] {1.0, 1 / Math.sqrt(2)}, p.weights(), EPS);
    }

    @Test
    void appendKeepsDistinctItemsMostRecentFirstWithinTheWindow() {
        s.append(view("a"), 3);
        s.append(view("b"), 3);
        s.append(view("a"), 3);
        assertArrayEquals(new String[] {"a", "b"}, s.items);

        s.append(view("c"), 3);
        s.append(view("d"), 3);
        assertArrayEquals(new String[] {"d", "c", "a"}, s.items, "b fell out of the window of 3");

        assertArrayEquals(new String[] {"d", "c", "a"}, s.pairsFor(view("e")).others());
    }

    @Test
    void everyAppendAdvancesTheSequenceNumber() {
        assertEquals(0, s.nextSeq);
        s.append(view("a"), 3);
        s.append(view("a"), 3); // the same item again is still an event
        assertEquals(2, s.nextSeq);
    }

    private static Event view(String item) {
        return new Event(0, EventType.VIEW, "u", item, null);
    }
}

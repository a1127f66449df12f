package io.shoprank.job.ranking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoprank.store.ListRefresh;
import org.junit.jupiter.api.Test;

class StaleListOrderTest {

    @Test
    void gainIsTheTargetsNdcgTerm() {
        assertEquals(1.0, StaleListOrder.gain(0), 1e-12);
        assertEquals(1 / (Math.log(3) / Math.log(2)), StaleListOrder.gain(1), 1e-12);
        assertEquals(0.0, StaleListOrder.gain(-1));
    }

    @Test
    void keepsSlotsUntilFillFirstDoesStrictlyBetterAndFollowsTheEvidence() {
        StaleListOrder order = new StaleListOrder();
        assertEquals(ListRefresh.Order.SLOTS, order.current());

        order.observe(3, 3); // a tie: stay
        assertEquals(ListRefresh.Order.SLOTS, order.current());

        order.observe(5, 0); // the target was a trending entry: first place when fill goes first
        assertEquals(ListRefresh.Order.FILL_FIRST, order.current());
        // 0.999 * g(3) + g(5) against 0.999 * g(3) + g(0), by hand
        assertEquals(0.999 / log2(5) + 1 / log2(7), order.slotsGain(), 1e-12);
        assertEquals(0.999 / log2(5) + 1, order.fillFirstGain(), 1e-12);

        order.observe(0, 2);
        order.observe(1, 3);
        assertEquals(ListRefresh.Order.SLOTS, order.current());
    }

    @Test
    void restoresItsGains() {
        StaleListOrder order = new StaleListOrder();
        order.restore(1.0, 2.0);
        assertEquals(ListRefresh.Order.FILL_FIRST, order.current());
        assertEquals(1.0, order.slotsGain());
        assertEquals(2.0, order.fillFirstGain());
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}

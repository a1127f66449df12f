package io.shoprank.job.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PriceStatsTest {

    private static final double HALF_LIFE = 1_000;
    private static final double EPS = 1e-9;

    private final PriceStats p = new PriceStats();

    @Test
    void unknownBeforeTheFirstPrice() {
        assertFalse(p.known());
        assertEquals("unknown", p.band());
        assertTrue(Double.isNaN(p.typical()));
        assertTrue(Double.isNaN(p.spread()));
    }

    @Test
    void onePriceIsTheTypicalPriceWithNoSpread() {
        p.add(42, 1, 0, HALF_LIFE);

        assertEquals(42, p.typical(), EPS);
        assertEquals(0, p.spread(), EPS);
        assertEquals("mid", p.band());
    }

    @Test
    void typicalIsTheGeometricMeanAndSpreadTheLogStandardDeviation() {
        p.add(10, 1, 0, HALF_LIFE);
        p.add(1000, 1, 0, HALF_LIFE);

        assertEquals(100, p.typical(), 1e-9);
        assertEquals(Math.log(10), p.spread(), EPS, "ln 10 and ln 1000 are ln 100 -/+ ln 10");
        assertEquals("high", p.band());
    }

    @Test
    void weightsPullTheMean() {
        p.add(10, 3, 0, HALF_LIFE);   // a cart
        p.add(1000, 1, 0, HALF_LIFE); // a view

        assertEquals(Math.exp((3 * Math.log(10) + Math.log(1000)) / 4), p.typical(), 1e-9);
    }

    @Test
    void olderPricesFadeWithTheHalfLife() {
        p.add(10, 1, 0, HALF_LIFE);
        p.add(1000, 1, 1_000, HALF_LIFE); // the first price now weighs 1/2

        assertEquals(Math.exp((0.5 * Math.log(10) + Math.log(1000)) / 1.5), p.typical(), 1e-9);
        assertEquals(1.5, p.weight, EPS);
        assertEquals(1_000, p.asOfTs);
    }

    @Test
    void aLateEventCountsWithItsWeightDecayedToTheLatest() {
        p.add(1000, 1, 1_000, HALF_LIFE);
        p.add(10, 1, 0, HALF_LIFE); // arrives late: weighs 1/2

        assertEquals(Math.exp((0.5 * Math.log(10) + Math.log(1000)) / 1.5), p.typical(), 1e-9);
        assertEquals(1_000, p.asOfTs, "a late event does not move the statistics back in time");
    }

    @Test
    void matchesTheBatchWeightedVariance() {
        double[] prices = {3.5, 12, 12, 80, 7.25, 150, 19.99};
        long[] ts = {0, 100, 250, 900, 1_700, 1_800, 3_000};
        double[] w = {1, 1, 3, 4, 1, 2, 1};
        for (int i = 0; i < prices.length; i++) p.add(prices[i], w[i], ts[i], HALF_LIFE);

        double sw = 0, sx = 0;
        double[] dw = new double[prices.length];
        for (int i = 0; i < prices.length; i++) {
            dw[i] = w[i] * Math.pow(2, -(3_000 - ts[i]) / HALF_LIFE);
            sw += dw[i];
            sx += dw[i] * Math.log(prices[i]);
        }
        double mean = sx / sw;
        double sq = 0;
        for (int i = 0; i < prices.length; i++) sq += dw[i] * Math.pow(Math.log(prices[i]) - mean, 2);
        assertEquals(Math.exp(mean), p.typical(), 1e-9);
        assertEquals(Math.sqrt(sq / sw), p.spread(), 1e-9);
        assertEquals(sw, p.weight, 1e-12);
    }

    @Test
    void zeroAndInvalidPricesAreIgnored() {
        p.add(0, 1, 0, HALF_LIFE);
        p.add(Double.NaN, 1, 0, HALF_LIFE);
        p.add(Double.POSITIVE_INFINITY, 1, 0, HALF_LIFE);
        p.add(-5, 1, 0, HALF_LIFE);
        p.add(5, 0, 0, HALF_LIFE);
        assertFalse(p.known());
    }

    @Test
    void afterThousandsOfHalfLivesThePastIsForgotten() {
        p.add(1000, 1, 0, HALF_LIFE);
        p.add(5, 1, 2_000_000, HALF_LIFE); // 2000 half-lives: the old weight underflows to 0

        assertEquals(5, p.typical(), 1e-9);
        assertEquals(0, p.spread(), EPS);
    }

    @Test
    void bandsFollowTheFixedCutPoints() {
        assertEquals("low", PriceStats.band(0.01));
        assertEquals("low", PriceStats.band(9.99));
        assertEquals("mid", PriceStats.band(PriceStats.LOW_BELOW));
        assertEquals("mid", PriceStats.band(99.99));
        assertEquals("high", PriceStats.band(PriceStats.HIGH_FROM));
        assertEquals("high", PriceStats.band(1e6));
    }
}

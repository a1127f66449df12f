package io.shoprank.job.model.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelGuardTest {

    private static final double EPS = 1e-12;
    private static final int[] IDX = {5, 123, 900};
    private static final float[] FINE = {0.1f, -2f, 0f};

    @Test
    void acceptsFiniteWeightsAndUpdatesTheEwma() {
        ModelGuard g = new ModelGuard(3, 0.1, 2, 0.5);

        assertEquals(Verdict.ACCEPTED, g.review(IDX, FINE, 0.6));
        assertEquals(Verdict.ACCEPTED, g.review(IDX, FINE, 0.4));
        assertEquals(2, g.acceptedBatches());
        assertEquals(0.5, g.ewma(), EPS); // 0.6, then 0.6 + 0.5 (0.4 - 0.6)
    }

    @Test
    void rejectsNaNAndInfiniteWeights() {
        ModelGuard g = new ModelGuard(3, 0.1, 0, 0.5);

        Verdict nan = g.review(IDX, new float[] {0.1f, Float.NaN, 0f}, 0.5);
        assertFalse(nan.accepted());
        assertEquals("NaN weight at 123", nan.reason());

        Verdict inf = g.review(IDX, new float[] {0.1f, 0f, Float.NEGATIVE_INFINITY}, 0.5);
        assertFalse(inf.accepted());
        assertEquals("infinite weight at 900", inf.reason());

        assertEquals(0, g.acceptedBatches());
        assertEquals(Double.NaN, g.ewma());
    }

    @Test
    void rejectsANonFiniteLoss() {
        ModelGuard g = new ModelGuard(3, 0.1, 5, 0.5);

        Verdict v = g.review(IDX, FINE, Double.NaN);

        assertFalse(v.accepted());
        assertEquals("log-loss NaN", v.reason());
        assertEquals(0, g.acceptedBatches());
    }

    @Test
    void anyLossPassesDuringWarmUp() {
        ModelGuard g = new ModelGuard(3, 0.1, 2, 0.5);

        assertTrue(g.review(IDX, FINE, 0.5).accepted());
        assertTrue(g.review(IDX, FINE, 9.0).accepted()); // 18 x the EWMA, but only 1 batch accepted so far
    }

    @Test
    void rejectsASpikeAfterWarmUpAndKeepsItOutOfTheEwma() {
        ModelGuard g = new ModelGuard(3, 0.1, 2, 0.5);
        g.review(IDX, FINE, 0.52);
        g.review(IDX, FINE, 0.52);

        Verdict spike = g.review(IDX, FINE, 2.31); // limit max(3 x 0.52, 0.1) = 1.56

        assertFalse(spike.accepted());
        assertEquals("log-loss spike 2.31 > 3 x 0.52", spike.reason());
        assertEquals(0.52, g.ewma(), EPS);
        assertEquals(2, g.acceptedBatches());

        assertTrue(g.review(IDX, FINE, 1.56).accepted()); // at the limit is fine
    }

    @Test
    void theFloorAppliesWhenTheEwmaIsTiny() {
        ModelGuard g = new ModelGuard(2.5, 0.7, 1, 0.5);
        g.review(IDX, FINE, 0.01);

        assertTrue(g.review(IDX, FINE, 0.6).accepted()); // 60 x the EWMA, but under the floor

        Verdict v = g.review(IDX, FINE, 0.9); // EWMA 0.305 x 2.5 = 0.7625 > 0.7: the relative limit binds
        assertEquals("log-loss spike 0.90 > 2.5 x 0.31", v.reason());

        ModelGuard low = new ModelGuard(2.5, 0.7, 1, 0.5);
        low.review(IDX, FINE, 0.01);
        assertEquals("log-loss spike 0.75 > floor 0.70", low.review(IDX, FINE, 0.75).reason());
    }
}

package io.shoprank.job.model.ftrl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * FTRL-Proximal per coordinate: g = (p - y) x, sigma = (sqrt(n + g^2) - sqrt(n)) / alpha, z += g - sigma w,
 * n += g^2, and w = 0 if |z| <= l1 else -(z - sign(z) l1) / ((beta + sqrt(n)) / alpha + l2).
 */
class FtrlProximalTest {

    private static final double EPS = 1e-6;
    private static final int[] IDX = {3, 7};
    private static final float[] VAL = {1, 2};

    @Test
    void emptyModelPredictsOneHalf() {
        FtrlProximal m = new FtrlProximal(16, 0.1, 1, 0, 0);

        assertEquals(0.5, m.predict(IDX, VAL));
        assertEquals(0.5, m.predict(new int[0], new float[0]));
    }

    @Test
    void handComputedSteps() {
        FtrlProximal m = new FtrlProximal(16, 0.1, 1, 0, 0);

        // Step 1, y = 1, p = 0.5, all w = 0:
        //   i=3: g = -0.5, sigma = 0.5 / 0.1 = 5, z = -0.5, n = 0.25
        //   i=7: g = -1,   sigma = 1 / 0.1 = 10,  z = -1,   n = 1
        //   w3 = 0.5 / ((1 + 0.5) / 0.1) = 1/30, w7 = 1 / ((1 + 1) / 0.1) = 1/20
        assertEquals(0.5, m.update(IDX, VAL, true));
        assertEquals(-0.5, m.z()[3], EPS);
        assertEquals(0.25, m.n()[3], EPS);
        assertEquals(-1.0, m.z()[7], EPS);
        assertEquals(1.0, m.n()[7], EPS);
        assertEquals(1.0 / 30, m.weight(3), EPS);
        assertEquals(1.0 / 20, m.weight(7), EPS);
        // logit = 1/30 * 1 + 1/20 * 2 = 2/15; p = 1 / (1 + e^(-2/15)) = 0.5332840382511314
        assertEquals(0.5332840382511314, m.predict(IDX, VAL), 1e-12);

        // Step 2, y = 0, p = 0.533284038:
        //   i=3: g = 0.533284038, sigma = (sqrt(0.25 + g^2) - 0.5) / 0.1 = 2.310211115,
        //        z = -0.5 + g - sigma / 30 = -0.043722999, n = 0.25 + g^2 = 0.534391865
        //   i=7: g = 1.066568077, sigma = (sqrt(1 + g^2) - 1) / 0.1 = 4.620422230,
        //        z = -1 + g - sigma / 20 = -0.164453035, n = 1 + g^2 = 2.137567462
        assertEquals(0.5332840382511314, m.update(IDX, VAL, false), 1e-12);
        assertEquals(-0.043722999, m.z()[3], EPS);
        assertEquals(0.534391865, m.n()[3], EPS);
        assertEquals(-0.164453035, m.z()[7], EPS);
        assertEquals(2.137567462, m.n()[7], EPS);
        // w3 = 0.043722999 / ((1 + sqrt(0.534391865)) / 0.1) = 0.002525850
        // w7 = 0.164453035 / ((1 + sqrt(2.137567462)) / 0.1) = 0.006679537
        assertEquals(0.002525850, m.weight(3), EPS);
        assertEquals(0.006679537, m.weight(7), EPS);
    }

    @Test
    void l1KeepsSmallCoordinatesAtZeroAndShrinksTheRest() {
        // The same first step gives z3 = -0.5, z7 = -1 whatever l1 and l2 are (all w start at 0).
        FtrlProximal l1 = new FtrlProximal(16, 0.1, 1, 0.75, 0);
        l1.update(IDX, VAL, true);

        assertEquals(0.0, l1.weight(3)); // |z3| = 0.5 <= 0.75
        assertEquals(0.25 / 20, l1.weight(7), EPS); // -(-1 + 0.75) / ((1 + 1) / 0.1)

        FtrlProximal l2 = new FtrlProximal(16, 0.1, 1, 0, 5);
        l2.update(IDX, VAL, true);

        assertEquals(1.0 / 25, l2.weight(7), EPS); // 1 / (20 + 5)
    }

    @Test
    void weightSignFollowsLabelAndFeatureSign() {
        FtrlProximal m = new FtrlProximal(16, 0.1, 1, 0, 0);
        m.update(new int[] {1}, new float[] {1}, true);
        m.update(new int[] {2}, new float[] {-1}, true);
        m.update(new int[] {3}, new float[] {1}, false);

        assertTrue(m.weight(1) > 0);
        assertTrue(m.weight(2) < 0);
        assertTrue(m.weight(3) < 0);
        assertTrue(m.predict(new int[] {1}, new float[] {1}) > 0.5);
        assertTrue(m.predict(new int[] {3}, new float[] {1}) < 0.5);
    }

    @Test
    void learnsASeparableStream() {
        FtrlProximal m = new FtrlProximal(16, 0.5, 1, 0.1, 0.1);
        int[] clicked = {0, 5};   // bias + a feature that always converts
        int[] skipped = {0, 9};   // bias + a feature that never does
        float[] ones = {1, 1};

        double firstClicked = 0;
        double lastClicked = 0;
        double lastSkipped = 0;
        for (int t = 0; t < 200; t++) {
            lastClicked = m.update(clicked, ones, true);
            lastSkipped = m.update(skipped, ones, false);
            if (t == 0) firstClicked = lastClicked;
        }

        assertEquals(0.5, firstClicked);
        assertTrue(lastClicked > 0.9, "p(clicked) = " + lastClicked);
        assertTrue(lastSkipped < 0.1, "p(skipped) = " + lastSkipped);
        assertTrue(m.predict(clicked, ones) > m.predict(skipped, ones));
    }

    @Test
    void duplicateIndicesApplyOneAfterTheOther() {
        FtrlProximal twice = new FtrlProximal(16, 0.1, 1, 0, 0);
        twice.update(new int[] {4, 4}, new float[] {1, 1}, true);

        // Both steps use p = 0.5 (g = -0.5); the second sees n = 0.25 and w = 1/30 from the first:
        // sigma = (sqrt(0.5) - 0.5) / 0.1 = 2.0710678, z = -0.5 - 0.5 - 2.0710678 / 30 = -1.0690356, n = 0.5
        assertEquals(-1.0690356, twice.z()[4], EPS);
        assertEquals(0.5, twice.n()[4], EPS);
    }

    @Test
    void drainReturnsSortedDistinctChangedCoordinatesOnce() {
        FtrlProximal m = new FtrlProximal(16, 0.1, 1, 0, 0);
        m.update(new int[] {9, 2, 9, 5}, new float[] {1, 1, 1, 0}, true); // a zero value has no gradient

        assertArrayEquals(new int[] {2, 9}, m.drainChanged());
        assertArrayEquals(new int[0], m.drainChanged());

        m.update(new int[] {5}, new float[] {1}, false);
        assertArrayEquals(new int[] {5}, m.drainChanged());
    }

    @Test
    void weightsFollowTheStateAfterStepsRestoresAndRollBacks() {
        FtrlProximal m = new FtrlProximal(16, 0.1, 1, 0.05, 0.5);
        int[] idx = {3, 7};
        float[] val = {1f, 1f};
        m.update(idx, val, true);
        float[] z1 = m.z().clone();
        float[] n1 = m.n().clone();
        double w3 = m.weight(3);
        m.update(idx, val, false);
        m.update(idx, val, false);
        assertNotEquals(w3, m.weight(3));
        // a model restored from the same state has the same weights
        FtrlProximal restored = FtrlProximal.restore(m.params(), m.z().clone(), m.n().clone());
        for (int i = 0; i < 16; i++) assertEquals(m.weight(i), restored.weight(i), 0);
        // rolled back, the weights are those of the earlier state again, and so is the prediction
        m.rollBack(z1, n1);
        assertEquals(w3, m.weight(3), 0);
        FtrlProximal earlier = FtrlProximal.restore(m.params(), z1.clone(), n1.clone());
        assertEquals(earlier.predict(idx, val), m.predict(idx, val), 0);
    }

    @Test
    void weightsOfIndices() {
        FtrlProximal m = new FtrlProximal(16, 0.1, 1, 0, 0);
        m.update(IDX, VAL, true);

        assertArrayEquals(new float[] {1f / 30, 1f / 20, 0f}, m.weights(new int[] {3, 7, 0}), 1e-7f);
    }

    @Test
    void restoredModelPredictsLikeTheOriginal() {
        FtrlProximal m = new FtrlProximal(16, 0.1, 1, 0.01, 0.1);
        m.update(IDX, VAL, true);
        m.update(new int[] {1, 3}, new float[] {1, 1}, false);

        FtrlProximal r = FtrlProximal.restore(m.params(), m.z().clone(), m.n().clone());

        assertEquals(m.predict(IDX, VAL), r.predict(IDX, VAL));
        assertEquals(m.update(IDX, VAL, false), r.update(IDX, VAL, false));
        assertArrayEquals(new int[] {3, 7}, r.drainChanged());
    }

    @Test
    void rejectsBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> new FtrlProximal(12, 0.1, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new FtrlProximal(16, 0, 1, 0, 0));
        FtrlProximal.Params p = new FtrlProximal.Params(16, 0.1, 1, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> FtrlProximal.restore(p, new float[8], new float[16]));
    }
}

package io.shoprank.job.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DecayedScoresTest {

    private static final double HALF_LIFE = 1_000;
    private static final double EPS = 1e-9;

    @Test
    void emptyScoreIsZero() {
        assertEquals(0.0, DecayedScores.valueAt(DecayedScores.EMPTY, 0, HALF_LIFE));
        assertEquals(0.0, DecayedScores.valueAt(DecayedScores.EMPTY, 5_000, HALF_LIFE));
    }

    @Test
    void keyIsLog2OfTheAmountPlusTimeInHalfLives() {
        assertEquals(2.0, DecayedScores.add(DecayedScores.EMPTY, 4, 0, HALF_LIFE), EPS);
        assertEquals(5.0, DecayedScores.add(DecayedScores.EMPTY, 4, 3_000, HALF_LIFE), EPS);
    }

    @Test
    void valueHalvesAfterEachHalfLife() {
        double key = DecayedScores.add(DecayedScores.EMPTY, 4, 0, HALF_LIFE);

        assertEquals(4.0, DecayedScores.valueAt(key, 0, HALF_LIFE), EPS);
        assertEquals(2.0, DecayedScores.valueAt(key, 1_000, HALF_LIFE), EPS);
        assertEquals(1.0, DecayedScores.valueAt(key, 2_000, HALF_LIFE), EPS);
        assertEquals(4.0 / Math.sqrt(2), DecayedScores.valueAt(key, 500, HALF_LIFE), EPS);
    }

    @Test
    void addingSumsTheDecayedValues() {
        double key = DecayedScores.add(DecayedScores.EMPTY, 4, 0, HALF_LIFE);
        key = DecayedScores.add(key, 4, 1_000, HALF_LIFE); // 4 decayed to 2, plus 4

        assertEquals(6.0, DecayedScores.valueAt(key, 1_000, HALF_LIFE), EPS);
        assertEquals(3.0, DecayedScores.valueAt(key, 2_000, HALF_LIFE), EPS);
    }

    @Test
    void orderOfAdditionDoesNotMatter() {
        double a = DecayedScores.add(DecayedScores.add(DecayedScores.EMPTY, 1, 0, HALF_LIFE), 3, 2_500, HALF_LIFE);
        double b = DecayedScores.add(DecayedScores.add(DecayedScores.EMPTY, 3, 2_500, HALF_LIFE), 1, 0, HALF_LIFE);

        assertEquals(a, b, EPS);
        assertEquals(3 + Math.pow(2, -2.5), DecayedScores.valueAt(a, 2_500, HALF_LIFE), EPS);
    }

    @Test
    void keysCompareDirectlyAcrossUpdateTimes() {
        double old = DecayedScores.add(DecayedScores.EMPTY, 3, 0, HALF_LIFE);     // worth 0.75 at t=2000
        double recent = DecayedScores.add(DecayedScores.EMPTY, 1, 2_000, HALF_LIFE); // worth 1 at t=2000

        assertTrue(recent > old);
        assertTrue(DecayedScores.valueAt(recent, 9_999, HALF_LIFE) > DecayedScores.valueAt(old, 9_999, HALF_LIFE));
    }

    @Test
    void staysPreciseAtRealTimestampsAndHalfLives() {
        double sixHours = 6 * 3_600_000.0;
        long ts = 1_700_000_000_000L;
        double key = DecayedScores.add(DecayedScores.EMPTY, 4, ts, sixHours);
        key = DecayedScores.add(key, 1, ts + 3_600_000, sixHours);

        double expected = 4 * Math.pow(2, -1.0 / 6) + 1;
        assertEquals(expected, DecayedScores.valueAt(key, ts + 3_600_000, sixHours), 1e-6);
        assertEquals(expected / 2, DecayedScores.valueAt(key, ts + 3_600_000 + 6 * 3_600_000L, sixHours), 1e-6);
    }
}

package io.shoprank.job.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RollingLogLossTest {

    private static final double EPS = 1e-12;
    private static final double LN2 = 0.6931471805599453;
    /** -ln(0.8), -ln(0.25). */
    private static final double LOSS_08 = 0.2231435513142097;
    private static final double LOSS_025 = 1.3862943611198906;

    @Test
    void emptyIsNaN() {
        RollingLogLoss l = new RollingLogLoss(4, 0.5);

        assertEquals(Double.NaN, l.mean());
        assertEquals(Double.NaN, l.ewma());
        assertEquals(0, l.size());
    }

    @Test
    void perExampleLossAndClipping() {
        assertEquals(LN2, RollingLogLoss.logLoss(0.5, true), EPS);
        assertEquals(LOSS_08, RollingLogLoss.logLoss(0.8, true), EPS);
        assertEquals(LOSS_08, RollingLogLoss.logLoss(0.2, false), EPS);
        // -ln(1e-15) = 15 ln 10 = 34.538776394910684
        assertEquals(34.538776394910684, RollingLogLoss.logLoss(0, true), 1e-9);
        // 1 - (1 - 1e-15) rounds to 9.992e-16 in double: -ln = 34.53957599234088
        assertEquals(34.53957599234088, RollingLogLoss.logLoss(1, false), 1e-9);
    }

    @Test
    void meanAndEwmaHandComputed() {
        RollingLogLoss l = new RollingLogLoss(4, 0.5);

        assertEquals(LN2, l.add(0.5, false), EPS);
        assertEquals(LN2, l.ewma(), EPS); // starts at the first loss
        l.add(0.8, true);
        l.add(0.75, false);

        // mean = (ln 2 + 0.2231 + 1.3863) / 3
        assertEquals((LN2 + LOSS_08 + LOSS_025) / 3, l.mean(), EPS);
        // ewma = 0.5 (0.5 ln2 + 0.5 * 0.2231) + 0.5 * 1.3863
        assertEquals(0.25 * LN2 + 0.25 * LOSS_08 + 0.5 * LOSS_025, l.ewma(), EPS);
        assertEquals(3, l.size());
    }

    @Test
    void windowDropsTheOldest() {
        RollingLogLoss l = new RollingLogLoss(2, 1);
        l.add(0.25, true);   // evicted
        l.add(0.5, true);
        l.add(0.8, true);

        assertEquals(2, l.size());
        assertEquals((LN2 + LOSS_08) / 2, l.mean(), EPS);
        assertEquals(LOSS_08, l.ewma(), EPS); // weight 1: the latest loss
    }

    @Test
    void longRunsStayExact() {
        RollingLogLoss l = new RollingLogLoss(3, 0.1);
        for (int i = 0; i < 100_000; i++) {
            l.add(i % 2 == 0 ? 1e-9 : 0.999999, true);
        }
        l.add(0.5, true);
        l.add(0.5, true);
        l.add(0.5, true);

        assertEquals(LN2, l.mean(), EPS);
    }
}

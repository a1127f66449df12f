package io.shoprank.job.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OnlineAucTest {

    private static final double EPS = 1e-12;

    @Test
    void nanUntilBothClassesArePresent() {
        OnlineAuc auc = new OnlineAuc(10);
        assertEquals(Double.NaN, auc.auc());

        auc.add(0.9, true);
        auc.add(0.8, true);
        assertEquals(Double.NaN, auc.auc());

        auc.add(0.1, false);
        assertEquals(1.0, auc.auc(), EPS);
        assertEquals(3, auc.size());
    }

    @Test
    void handComputedWithTies() {
        OnlineAuc auc = new OnlineAuc(10);
        auc.add(0.9, true);
        auc.add(0.5, true);
        auc.add(0.2, true);
        auc.add(0.5, false);
        auc.add(0.3, false);

        // pairs (pos, neg): (0.9,0.5)=1 (0.9,0.3)=1 (0.5,0.5)=1/2 (0.5,0.3)=1 (0.2,0.5)=0 (0.2,0.3)=0
        // = 3.5 / 6
        assertEquals(3.5 / 6, auc.auc(), EPS);
    }

    @Test
    void allTiedIsOneHalfAndReversedIsZero() {
        OnlineAuc tied = new OnlineAuc(10);
        tied.add(0.4, true);
        tied.add(0.4, false);
        tied.add(0.4, true);
        tied.add(0.4, false);
        assertEquals(0.5, tied.auc(), EPS);

        OnlineAuc reversed = new OnlineAuc(10);
        reversed.add(0.1, true);
        reversed.add(0.9, false);
        assertEquals(0.0, reversed.auc(), EPS);
    }

    @Test
    void repeatedTiesAcrossSeveralPositives() {
        OnlineAuc auc = new OnlineAuc(10);
        auc.add(0.5, true);
        auc.add(0.5, true);
        auc.add(0.7, true);
        auc.add(0.5, false);
        auc.add(0.5, false);
        auc.add(0.1, false);

        // each 0.5 positive: 1 win (0.1) + 2 ties = 2; the 0.7 positive: 3 wins -> (2 + 2 + 3) / 9
        assertEquals(7.0 / 9, auc.auc(), EPS);
    }

    @Test
    void oldestPairsLeaveTheWindow() {
        OnlineAuc auc = new OnlineAuc(3);
        auc.add(0.1, true);   // evicted
        auc.add(0.9, false);  // evicted
        auc.add(0.8, true);
        auc.add(0.2, false);
        assertEquals(0.5, auc.auc(), EPS); // window (0.9,-) (0.8,+) (0.2,-): 0.8 wins 1 of 2 pairs

        auc.add(0.3, false);
        assertEquals(3, auc.size());
        assertEquals(1.0, auc.auc(), EPS); // window (0.8,+) (0.2,-) (0.3,-)
    }
}

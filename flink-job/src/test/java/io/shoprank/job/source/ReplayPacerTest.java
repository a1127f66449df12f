package io.shoprank.job.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReplayPacerTest {

    private static final long TS = 1_700_000_000_000L;
    private static final long WALL = 5_000;

    @Test
    void zeroOrNegativeSpeedupNeverWaits() {
        ReplayPacer asFastAsPossible = new ReplayPacer(0);
        ReplayPacer negative = new ReplayPacer(-3);

        for (long dt = 0; dt < 10_000; dt += 1_000) {
            assertEquals(0, asFastAsPossible.delayMs(TS + dt, WALL));
            assertEquals(0, negative.delayMs(TS + dt, WALL));
        }
    }

    @Test
    void firstEventGoesAtOnceAndAnchorsThePace() {
        ReplayPacer p = new ReplayPacer(10);

        assertEquals(0, p.delayMs(TS, WALL));
        assertEquals(100, p.delayMs(TS + 1_000, WALL), "1 s of event time at 10x is 100 ms");
        assertEquals(50, p.delayMs(TS + 1_000, WALL + 50));
        assertEquals(0, p.delayMs(TS + 1_000, WALL + 100));
    }

    @Test
    void neverNegativeWhenTheReplayIsBehind() {
        ReplayPacer p = new ReplayPacer(10);
        p.delayMs(TS, WALL);

        assertEquals(0, p.delayMs(TS + 1_000, WALL + 5_000));
    }

    @Test
    void delayGrowsWithEventTimeFromTheAnchor() {
        ReplayPacer p = new ReplayPacer(2);
        p.delayMs(TS, WALL);

        assertEquals(250, p.delayMs(TS + 500, WALL));
        assertEquals(400, p.delayMs(TS + 1_000, WALL + 100), "due at WALL + 500");
        assertEquals(500, p.delayMs(TS + 1_800, WALL + 400), "due at WALL + 900");
    }

    @Test
    void slowerThanRealTime() {
        ReplayPacer p = new ReplayPacer(0.5);
        p.delayMs(TS, WALL);

        assertEquals(800, p.delayMs(TS + 400, WALL));
    }

    @Test
    void eventEarlierThanTheAnchorGoesAtOnce() {
        ReplayPacer p = new ReplayPacer(10);
        p.delayMs(TS, WALL);

        assertEquals(0, p.delayMs(TS - 5_000, WALL));
        assertEquals(100, p.delayMs(TS + 1_000, WALL), "the anchor is unchanged");
    }

    @Test
    void aLongGapIsCutShortAndThePaceReanchored() {
        ReplayPacer p = new ReplayPacer(10); // default max pause: 1 s
        p.delayMs(TS, WALL);
        long weeksLater = TS + 21L * 24 * 3_600_000;

        assertEquals(0, p.delayMs(weeksLater, WALL + 10), "no sleeping for days");
        assertEquals(100, p.delayMs(weeksLater + 1_000, WALL + 10), "paced again from the new anchor");
    }

    @Test
    void aGapOfExactlyTheMaxPauseIsWaitedFor() {
        ReplayPacer exactly = new ReplayPacer(10, 1_000);
        exactly.delayMs(TS, WALL);
        ReplayPacer beyond = new ReplayPacer(10, 1_000);
        beyond.delayMs(TS, WALL);

        assertEquals(1_000, exactly.delayMs(TS + 10_000, WALL));
        assertEquals(0, beyond.delayMs(TS + 10_010, WALL), "1 ms beyond: cut short and re-anchored");
    }

    @Test
    void maxPauseIsConfigurable() {
        ReplayPacer p = new ReplayPacer(1, 60_000);
        p.delayMs(TS, WALL);

        assertEquals(30_000, p.delayMs(TS + 30_000, WALL));
    }
}

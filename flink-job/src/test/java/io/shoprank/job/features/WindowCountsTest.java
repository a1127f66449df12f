package io.shoprank.job.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A 60 s window over 2 types: 12 buckets of 5 s. */
class WindowCountsTest {

    private static final int A = 0;
    private static final int B = 1;

    private final WindowCounts w = new WindowCounts(60_000, 2);

    @Test
    void emptyWindowCountsNothing() {
        assertEquals(0, w.count(0, A));
        assertEquals(0, w.count(1_000_000, B));
        assertEquals(0.0, w.weighted(1_000_000, new double[] {1, 1}));
    }

    @Test
    void countsPerTypeAndBucket() {
        w.add(0, A);
        w.add(4_999, A);   // same bucket 0
        w.add(5_000, B);   // bucket 1

        assertEquals(2, w.count(4_999, A));
        assertEquals(0, w.count(4_999, B), "bucket 1 is after the window's end");
        assertEquals(2, w.count(5_000, A));
        assertEquals(1, w.count(5_000, B));
    }

    @Test
    void windowSlidesInBucketSteps() {
        w.add(0, A);
        w.add(4_999, A);
        w.add(30_000, B); // bucket 6

        assertEquals(2, w.count(59_999, A), "bucket 0 is the oldest of the 12 buckets ending with bucket 11");
        assertEquals(0, w.count(60_000, A), "at bucket 12 bucket 0 has slid out");
        assertEquals(1, w.count(60_000, B));
        assertEquals(1, w.count(89_999, B), "bucket 6 is the oldest of the window ending with bucket 17");
        assertEquals(0, w.count(90_000, B));
    }

    @Test
    void aRingSlotIsReusedForANewerBucket() {
        w.add(0, A);
        w.add(1_000, A);

        w.add(60_000, A); // bucket 12 takes slot 0 and resets it

        assertEquals(1, w.count(60_000, A));
        assertEquals(0, w.count(4_999, A), "the old bucket's counts are gone");
    }

    @Test
    void eventOlderThanTheRingIsIgnored() {
        w.add(60_000, A); // slot 0 holds bucket 12

        w.add(1_000, A);  // bucket 0 maps to slot 0, which holds a newer bucket

        assertEquals(1, w.count(60_000, A));
        assertEquals(1, w.count(64_999, A));
    }

    @Test
    void outOfOrderEventInsideTheWindowIsCounted() {
        w.add(60_000, A);  // bucket 12
        w.add(10_000, B);  // bucket 2: late, but inside the window ending with bucket 12

        assertEquals(1, w.count(60_000, B));
        assertEquals(0, w.count(70_000, B), "bucket 2 slides out at bucket 14");
    }

    @Test
    void weightedSumsAllTypesInTheWindow() {
        w.add(1_000, A);
        w.add(2_000, A);
        w.add(3_000, B);

        assertEquals(2 * 1.5 + 1 * 4.0, w.weighted(3_000, new double[] {1.5, 4.0}), 1e-12);
        assertEquals(0.0, w.weighted(60_000, new double[] {1.5, 4.0}));
    }

    @Test
    void bucketIsAtLeastOneMillisecond() {
        WindowCounts tiny = new WindowCounts(6, 1); // 6 ms / 12 would be 0 ms buckets
        tiny.add(100, 0);
        tiny.add(111, 0);

        assertEquals(2, tiny.count(111, 0));
        assertEquals(1, tiny.count(112, 0), "12 buckets of 1 ms: ts 100 slid out at 112");
    }

    @Test
    void stateStaysBoundedWhateverTheTraffic() {
        for (long ts = 0; ts < 10_000_000; ts += 997) {
            w.add(ts, (int) (ts % 2));
        }
        assertEquals(WindowCounts.BUCKETS, w.bucketIds.length);
        assertEquals(WindowCounts.BUCKETS * 2, w.counts.length);
    }
}

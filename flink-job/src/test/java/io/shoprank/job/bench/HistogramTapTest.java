package io.shoprank.job.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

/** The tap relies on how Flink's DescriptiveStatisticsHistogram keeps its window: this pins it down. */
class HistogramTapTest {

    @Test
    void readsEverySampleOnceAcrossTheRingsWrapAround() {
        DescriptiveStatisticsHistogram h = new DescriptiveStatisticsHistogram(10);
        h.update(999); // before the tap: not taken
        HistogramTap tap = new HistogramTap(h);
        LongSamples out = new LongSamples();

        for (int i = 1; i <= 7; i++) h.update(i);
        assertEquals(7, tap.poll(out));
        for (int i = 8; i <= 23; i++) {
            h.update(i);
            if (i % 4 == 0) tap.poll(out);
        }
        tap.poll(out);

        long[] expected = new long[23];
        for (int i = 0; i < 23; i++) expected[i] = i + 1;
        assertEquals(Arrays.toString(expected), Arrays.toString(out.toArray()));
        assertEquals(0, tap.lost());
    }

    @Test
    void countsWhatWasOverwrittenBeforeAPoll() {
        DescriptiveStatisticsHistogram h = new DescriptiveStatisticsHistogram(10);
        HistogramTap tap = new HistogramTap(h);
        LongSamples out = new LongSamples();
        for (int i = 1; i <= 25; i++) h.update(i);

        assertEquals(10, tap.poll(out));
        assertEquals(15, tap.lost());
        assertEquals("[16, 17, 18, 19, 20, 21, 22, 23, 24, 25]", Arrays.toString(out.toArray()));
        assertEquals(0, tap.poll(out), "nothing new");
    }

    @Test
    void percentilesAreNearestRank() {
        LongSamples s = new LongSamples();
        for (int i = 100; i >= 1; i--) s.add(i);
        assertEquals(50, s.percentile(50));
        assertEquals(99, s.percentile(99));
        assertEquals(100, s.max());
        assertEquals(1, s.percentile(0));
        assertEquals(50.5, s.mean());
        assertEquals(Double.NaN, new LongSamples().percentile(50));
    }
}

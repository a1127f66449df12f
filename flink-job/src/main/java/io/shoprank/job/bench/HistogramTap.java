package io.shoprank.job.bench;

import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;

/**
 * Reads every new sample of a Flink histogram that keeps a window of raw values (the job's
 * {@code DescriptiveStatisticsHistogram}: a ring of the latest 10,000 values, {@code getValues()} in ring-slot
 * order). Polled often enough (fewer new samples than the window between two polls), it yields each sample
 * exactly once, so the benchmark gets the full distribution of a measurement window, merged over subtasks,
 * rather than the summary of whatever the last 10,000 samples were. Samples that were overwritten before a
 * poll are counted in {@link #lost()}.
 */
public final class HistogramTap {
    private final Histogram histogram;
    private long seen;
    private long lost;

    /** Starts at the histogram's current count: earlier samples are not taken. */
    public HistogramTap(Histogram histogram) {
        this.histogram = histogram;
        this.seen = histogram.getCount();
    }

    /** Adds the samples recorded since the last poll to {@code out}; returns how many. */
    public int poll(LongSamples out) {
        for (int attempt = 0; attempt < 20; attempt++) {
            long before = histogram.getCount();
            HistogramStatistics stats = histogram.getStatistics();
            long[] ring = stats.getValues();
            long after = histogram.getCount();
            if (before != after) {
                continue; // a sample landed while copying: the slots may not match the count
            }
            int window = ring.length;
            long fresh = after - seen;
            if (fresh <= 0 || window == 0) {
                seen = Math.max(seen, after);
                return 0;
            }
            long from = seen;
            if (fresh > window) {
                lost += fresh - window;
                from = after - window;
            }
            boolean full = after > window;
            for (long i = from; i < after; i++) {
                out.add(ring[(int) (full ? i % window : i)]);
            }
            seen = after;
            return (int) (after - from);
        }
        return 0;
    }

    /** Samples recorded but overwritten before they could be read (polls too far apart). */
    public long lost() {
        return lost;
    }
}

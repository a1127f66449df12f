package io.shoprank.job.bench;

import java.util.Arrays;

/** A growable array of long samples (latencies) with exact percentiles. Not thread-safe. */
public final class LongSamples {
    private long[] values = new long[1024];
    private int size;
    private boolean sorted = true;

    public void add(long v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        if (size > 0 && v < values[size - 1]) sorted = false;
        values[size++] = v;
    }

    public void addAll(LongSamples other) {
        for (int i = 0; i < other.size; i++) add(other.values[i]);
    }

    /** The values, in insertion order unless a percentile was asked for (that sorts them). */
    public long[] toArray() {
        return Arrays.copyOf(values, size);
    }

    public int size() {
        return size;
    }

    private void sort() {
        if (!sorted) {
            Arrays.sort(values, 0, size);
            sorted = true;
        }
    }

    /** The nearest-rank percentile, {@code p} in [0, 100]; NaN when empty. */
    public double percentile(double p) {
        if (size == 0) return Double.NaN;
        sort();
        int rank = (int) Math.ceil(p / 100.0 * size);
        return values[Math.min(size - 1, Math.max(0, rank - 1))];
    }

    public double max() {
        if (size == 0) return Double.NaN;
        sort();
        return values[size - 1];
    }

    public double mean() {
        if (size == 0) return Double.NaN;
        double s = 0;
        for (int i = 0; i < size; i++) s += values[i];
        return s / size;
    }
}

package io.shoprank.job.source;

/**
 * Paces a replay so that event time advances {@code speedup} times faster than the wall clock, anchored at
 * the first event. A speed-up of 0 (or less) means as fast as possible.
 */
public final class ReplayPacer {
    private final double speedup;
    private long firstTs = Long.MIN_VALUE;
    private long firstWallMs;

    public ReplayPacer(double speedup) {
        this.speedup = speedup;
    }

    /** How long to wait (ms) before emitting an event with this timestamp, given the current wall clock. */
    public long delayMs(long eventTs, long nowMs) {
        if (speedup <= 0) {
            return 0;
        }
        if (firstTs == Long.MIN_VALUE) {
            firstTs = eventTs;
            firstWallMs = nowMs;
            return 0;
        }
        long due = firstWallMs + (long) ((eventTs - firstTs) / speedup);
        return Math.max(0, due - nowMs);
    }
}

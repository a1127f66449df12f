package io.shoprank.job.source;

/**
 * Paces a replay so that event time advances {@code speedup} times faster than the wall clock, anchored at
 * the first event. A gap between consecutive events that would take longer than {@code maxPauseMs} is cut
 * short and the pace re-anchored after it: real files hold a few timestamps weeks away from the rest, and a
 * replay must not sleep for days because of them. A speed-up of 0 (or less) means as fast as possible.
 */
public final class ReplayPacer {
    public static final long DEFAULT_MAX_PAUSE_MS = 1000;

    private final double speedup;
    private final long maxPauseMs;
    private long anchorTs = Long.MIN_VALUE;
    private long anchorWallMs;
    private long lastTs;

    public ReplayPacer(double speedup) {
        this(speedup, DEFAULT_MAX_PAUSE_MS);
    }

    public ReplayPacer(double speedup, long maxPauseMs) {
        this.speedup = speedup;
        this.maxPauseMs = maxPauseMs;
    }

    /** How long to wait (ms) before emitting an event with this timestamp, given the current wall clock. */
    public long delayMs(long eventTs, long nowMs) {
        if (speedup <= 0) {
            return 0;
        }
        if (anchorTs == Long.MIN_VALUE || (eventTs - lastTs) / speedup > maxPauseMs) {
            anchorTs = eventTs;
            anchorWallMs = nowMs;
        }
        lastTs = Math.max(lastTs, eventTs);
        long due = anchorWallMs + (long) ((eventTs - anchorTs) / speedup);
        return Math.max(0, due - nowMs);
    }
}

package io.shoprank.store;

/**
 * Exponential backoff between reconnect attempts: {@code initialMs}, doubling, capped at {@code maxMs}.
 */
public record Backoff(long initialMs, long maxMs) {

    /** 100 ms doubling to 5 s: quick recovery from a blip, gentle on a Redis that is down for minutes. */
    public static final Backoff DEFAULT = new Backoff(100, 5_000);

    public Backoff {
        if (initialMs <= 0 || maxMs < initialMs) {
            throw new IllegalArgumentException("need 0 < initialMs <= maxMs, got " + initialMs + ", " + maxMs);
        }
    }

    /** The delay before retry number {@code attempt} (1-based). */
    public long delayMs(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt is 1-based: " + attempt);
        }
        long delay = initialMs;
        for (int i = 1; i < attempt && delay < maxMs; i++) {
            delay = delay > maxMs / 2 ? maxMs : delay * 2; // no overflow for any maxMs
        }
        return delay;
    }
}

package io.shoprank.job.features;

import io.shoprank.job.events.EventType;

/** The feature windows (last 1 h and last 24 h) and the field-name suffixes they are published under. */
public final class FeatureWindows {
    private FeatureWindows() {}

    public static final long HOUR_MS = 3_600_000L;
    public static final long DAY_MS = 24 * HOUR_MS;
    public static final int TYPES = EventType.values().length;

    /** Plural field-name stems by event type ordinal: views, clicks, favs, carts, purchases, searches. */
    public static final String[] STEMS = {"views", "clicks", "favs", "carts", "purchases", "searches"};

    /** Implicit-feedback weights by event type ordinal. */
    public static final double[] WEIGHTS = weights();

    private static double[] weights() {
        double[] w = new double[TYPES];
        for (EventType t : EventType.values()) w[t.ordinal()] = t.weight();
        return w;
    }
}

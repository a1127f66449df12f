package io.shoprank.job.features;

/**
 * A user's activity level from event counts (all types, searches included), first rule that holds:
 * <ol>
 *   <li>{@code new}: fewer than {@link #NEW_BELOW} events seen in total (within the state TTL);</li>
 *   <li>{@code heavy}: at least {@link #HEAVY_24H} events in the last 24 h or {@link #HEAVY_1H} in the last hour;</li>
 *   <li>{@code active}: at least {@link #ACTIVE_24H} in the last 24 h or {@link #ACTIVE_1H} in the last hour;</li>
 *   <li>{@code casual}: otherwise.</li>
 * </ol>
 * Pure math, no state.
 */
public final class ActivityLevel {
    private ActivityLevel() {}

    public static final int NEW_BELOW = 5;
    public static final int ACTIVE_24H = 20;
    public static final int ACTIVE_1H = 5;
    public static final int HEAVY_24H = 100;
    public static final int HEAVY_1H = 30;

    public static final String NEW = "new";
    public static final String CASUAL = "casual";
    public static final String ACTIVE = "active";
    public static final String HEAVY = "heavy";

    public static String of(long eventsTotal, int events1h, int events24h) {
        if (eventsTotal < NEW_BELOW) return NEW;
        if (events24h >= HEAVY_24H || events1h >= HEAVY_1H) return HEAVY;
        if (events24h >= ACTIVE_24H || events1h >= ACTIVE_1H) return ACTIVE;
        return CASUAL;
    }
}

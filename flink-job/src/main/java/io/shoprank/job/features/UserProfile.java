package io.shoprank.job.features;

import io.shoprank.job.events.Event;

import java.util.ArrayList;
import java.util.List;

/**
 * A user's real-time features (Flink POJO) and how one event changes them. Bounded: two 12-bucket window
 * rings, {@link #MAX_CATEGORIES} categories and {@link #MAX_RECENT} recent items.
 */
public class UserProfile {
    public static final int MAX_CATEGORIES = 20;
    public static final int MAX_RECENT = 10;
    public static final double AFFINITY_HALF_LIFE_MS = 3 * FeatureWindows.DAY_MS;

    public WindowCounts hour;
    public WindowCounts day;
    public CategoryAffinity affinity;
    public String[] recentItems;
    public long lastActive;
    public long eventsTotal;
    /** Monotone per-user version of the published features. */
    public long version;

    public UserProfile() {}

    public static UserProfile empty() {
        UserProfile p = new UserProfile();
        p.hour = new WindowCounts(FeatureWindows.HOUR_MS, FeatureWindows.TYPES);
        p.day = new WindowCounts(FeatureWindows.DAY_MS, FeatureWindows.TYPES);
        p.affinity = new CategoryAffinity();
        p.recentItems = RecentItems.empty();
        return p;
    }

    public void apply(Event e) {
        int t = e.type.ordinal();
        hour.add(e.ts, t);
        day.add(e.ts, t);
        if (e.category != null && e.type.weight() > 0) {
            affinity.add(e.category, e.type.weight(), e.ts, AFFINITY_HALF_LIFE_MS, MAX_CATEGORIES);
        }
        if (e.item != null) {
            recentItems = RecentItems.push(recentItems, e.item, MAX_RECENT);
        }
        lastActive = Math.max(lastActive, e.ts);
        eventsTotal++;
        version++;
    }

    /** The published fields as of {@link #lastActive}. */
    public String[][] fields() {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int t = 0; t < FeatureWindows.TYPES; t++) {
            names.add(FeatureWindows.STEMS[t] + "_1h");
            values.add(Integer.toString(hour.count(lastActive, t)));
            names.add(FeatureWindows.STEMS[t] + "_24h");
            values.add(Integer.toString(day.count(lastActive, t)));
        }
        names.add("top_categories");
        values.add(JsonText.array(affinity.top(5)));
        names.add("recent_items");
        values.add(JsonText.array(recentItems));
        names.add("last_active");
        values.add(Long.toString(lastActive));
        names.add("events_total");
        values.add(Long.toString(eventsTotal));
        return new String[][] {names.toArray(new String[0]), values.toArray(new String[0])};
    }
}

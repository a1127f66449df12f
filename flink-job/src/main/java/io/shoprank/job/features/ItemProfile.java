package io.shoprank.job.features;

import io.shoprank.job.events.CatalogItem;
import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventType;

import java.util.ArrayList;
import java.util.List;

/**
 * An item's real-time features and catalog attributes (Flink POJO), and how an event or a catalog upsert
 * changes them. Bounded: two 12-bucket window rings and a handful of attributes.
 */
public class ItemProfile {
    /** Beta prior of the smoothed conversion rate: PRIOR_RATE with the weight of PRIOR_VIEWS views. */
    public static final double PRIOR_RATE = 0.02;
    public static final double PRIOR_VIEWS = 20;

    public WindowCounts hour;
    public WindowCounts day;
    /** Decayed weighted popularity, {@link DecayedScores} key. */
    public double popularityKey = DecayedScores.EMPTY;
    public long lastEvent;
    public String title;
    public String category;
    public String brand;
    public Double price;
    public Boolean inStock;
    public long version;
    /**
     * Event time the features were last published as of (the latest event, or a later catalog upsert's time), so
     * that a republication from state writes the same hash. 0 in state written before the field existed.
     */
    public long publishedAsOf;

    public ItemProfile() {}

    public static ItemProfile empty() {
        ItemProfile p = new ItemProfile();
        p.hour = new WindowCounts(FeatureWindows.HOUR_MS, FeatureWindows.TYPES);
        p.day = new WindowCounts(FeatureWindows.DAY_MS, FeatureWindows.TYPES);
        return p;
    }

    public void apply(Event e, double popularityHalfLifeMs) {
        int t = e.type.ordinal();
        hour.add(e.ts, t);
        day.add(e.ts, t);
        if (e.type.weight() > 0) {
            popularityKey = DecayedScores.add(popularityKey, e.type.weight(), e.ts, popularityHalfLifeMs);
        }
        if (category == null && e.category != null) {
            category = e.category; // the catalog, when it has one, is the authority
        }
        if (price == null && e.price != null) {
            price = e.price;
        }
        lastEvent = Math.max(lastEvent, e.ts);
        version++;
    }

    public void apply(CatalogItem c) {
        if (c.title != null) title = c.title;
        if (c.category != null) category = c.category;
        if (c.brand != null) brand = c.brand;
        if (c.price != null) price = c.price;
        if (c.inStock != null) inStock = c.inStock;
        version++;
    }

    /** Purchases over views in the last 24 h, shrunk towards {@link #PRIOR_RATE}; never above 1. */
    public double conversionRate(long now) {
        int views = day.count(now, EventType.VIEW.ordinal()) + day.count(now, EventType.CLICK.ordinal());
        int buys = day.count(now, EventType.PURCHASE.ordinal());
        return (buys + PRIOR_RATE * PRIOR_VIEWS) / (Math.max(views, buys) + PRIOR_VIEWS);
    }

    /** Last hour's weighted activity against the 24 h hourly average (1 = steady, above 1 = rising), smoothed. */
    public double trending(long now) {
        double lastHour = hour.weighted(now, FeatureWindows.WEIGHTS);
        double hourlyAverage = day.weighted(now, FeatureWindows.WEIGHTS) / 24.0;
        return (lastHour + 1) / (hourlyAverage + 1);
    }

    /** The published fields as of {@code now} (event time). */
    public String[][] fields(long now, double popularityHalfLifeMs) {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int t = 0; t < FeatureWindows.TYPES; t++) {
            if (t == EventType.SEARCH.ordinal()) continue;
            names.add(FeatureWindows.STEMS[t] + "_1h");
            values.add(Integer.toString(hour.count(now, t)));
            names.add(FeatureWindows.STEMS[t] + "_24h");
            values.add(Integer.toString(day.count(now, t)));
        }
        names.add("conversion_rate");
        values.add(JsonText.number(conversionRate(now)));
        names.add("trending");
        values.add(JsonText.number(trending(now)));
        names.add("popularity");
        values.add(JsonText.number(DecayedScores.valueAt(popularityKey, now, popularityHalfLifeMs)));
        names.add("last_event");
        values.add(Long.toString(lastEvent));
        addIfPresent(names, values, "title", title);
        addIfPresent(names, values, "category", category);
        addIfPresent(names, values, "brand", brand);
        addIfPresent(names, values, "price", price == null ? null : price.toString());
        addIfPresent(names, values, "in_stock", inStock == null ? null : inStock.toString());
        return new String[][] {names.toArray(new String[0]), values.toArray(new String[0])};
    }

    private static void addIfPresent(List<String> names, List<String> values, String name, String value) {
        if (value != null) {
            names.add(name);
            values.add(value);
        }
    }
}

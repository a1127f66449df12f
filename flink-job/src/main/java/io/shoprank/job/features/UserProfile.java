package io.shoprank.job.features;

import io.shoprank.job.events.Event;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's real-time features (Flink POJO) and how one event changes them. Bounded: two 12-bucket window
 * rings, {@link #MAX_CATEGORIES} categories, {@link #MAX_BRANDS} brands, {@link #MAX_SHOPS} shops,
 * {@link #MAX_RECENT} recent items and the four numbers of {@link PriceStats}.
 *
 * <p>{@code price}, {@code brands} and {@code shops} were added later: state restored from a savepoint of an
 * older version has them null (Flink's POJO serializer accepts added fields), so every use is null-safe.
 */
public class UserProfile {
    public static final int MAX_CATEGORIES = 20;
    public static final int MAX_BRANDS = 10;
    public static final int MAX_SHOPS = 10;
    public static final int MAX_RECENT = 10;
    /** How many categories, brands and shops are published (strongest first). */
    public static final int TOP_PUBLISHED = 5;
    /** Half-life of the decayed category, brand and shop affinities and of the price statistics. */
    public static final double AFFINITY_HALF_LIFE_MS = 3 * FeatureWindows.DAY_MS;

    private static final MathContext PRICE_DIGITS = new MathContext(4);

    public WindowCounts hour;
    public WindowCounts day;
    public CategoryAffinity affinity;
    public String[] recentItems;
    public long lastActive;
    public long eventsTotal;
    /** Monotone per-user version of the published features. */
    public long version;
    public PriceStats price;
    public CategoryAffinity brands;
    public CategoryAffinity shops;

    public UserProfile() {}

    public static UserProfile empty() {
        UserProfile p = new UserProfile();
        p.hour = new WindowCounts(FeatureWindows.HOUR_MS, FeatureWindows.TYPES);
        p.day = new WindowCounts(FeatureWindows.DAY_MS, FeatureWindows.TYPES);
        p.affinity = new CategoryAffinity();
        p.recentItems = RecentItems.empty();
        p.price = new PriceStats();
        p.brands = new CategoryAffinity();
        p.shops = new CategoryAffinity();
        return p;
    }

    public void apply(Event e) {
        int t = e.type.ordinal();
        hour.add(e.ts, t);
        day.add(e.ts, t);
        double w = e.type.weight();
        if (w > 0) {
            if (e.category != null) {
                affinity.add(e.category, w, e.ts, AFFINITY_HALF_LIFE_MS, MAX_CATEGORIES);
            }
            if (e.price != null) {
                if (price == null) price = new PriceStats();
                price.add(e.price, w, e.ts, AFFINITY_HALF_LIFE_MS);
            }
            if (e.brand != null) {
                if (brands == null) brands = new CategoryAffinity();
                brands.add(e.brand, w, e.ts, AFFINITY_HALF_LIFE_MS, MAX_BRANDS);
            }
            if (e.shop != null) {
                if (shops == null) shops = new CategoryAffinity();
                shops.add(e.shop, w, e.ts, AFFINITY_HALF_LIFE_MS, MAX_SHOPS);
            }
        }
        if (e.item != null) {
            recentItems = RecentItems.push(recentItems, e.item, MAX_RECENT);
        }
        lastActive = Math.max(lastActive, e.ts);
        eventsTotal++;
        version++;
    }

    /** The published fields as of {@link #lastActive}; see feature-store/README.md for each. */
    public String[][] fields() {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        int events1h = 0;
        int events24h = 0;
        for (int t = 0; t < FeatureWindows.TYPES; t++) {
            int h = hour.count(lastActive, t);
            int d = day.count(lastActive, t);
            events1h += h;
            events24h += d;
            names.add(FeatureWindows.STEMS[t] + "_1h");
            values.add(Integer.toString(h));
            names.add(FeatureWindows.STEMS[t] + "_24h");
            values.add(Integer.toString(d));
        }
        names.add("top_categories");
        values.add(JsonText.array(affinity.top(TOP_PUBLISHED)));
        names.add("top_category_shares");
        values.add(shares(affinity));
        names.add("recent_items");
        values.add(JsonText.array(recentItems));
        names.add("last_active");
        values.add(Long.toString(lastActive));
        names.add("events_total");
        values.add(Long.toString(eventsTotal));
        names.add("activity_level");
        values.add(ActivityLevel.of(eventsTotal, events1h, events24h));
        boolean priced = price != null && price.known();
        names.add("price_band");
        values.add(priced ? price.band() : PriceStats.UNKNOWN);
        if (priced) {
            names.add("price_typical");
            values.add(JsonText.number(new BigDecimal(price.typical()).round(PRICE_DIGITS).doubleValue()));
            names.add("price_spread");
            values.add(JsonText.number(Math.round(price.spread() * 1000) / 1000.0));
        }
        addTop(names, values, brands, "top_brands", "top_brand_shares");
        addTop(names, values, shops, "top_shops", "top_shop_shares");
        return new String[][] {names.toArray(new String[0]), values.toArray(new String[0])};
    }

    /** A brand or shop list with its shares, only when the user has one. */
    private static void addTop(List<String> names, List<String> values, CategoryAffinity a, String name,
            String sharesName) {
        if (a == null || a.isEmpty()) return;
        names.add(name);
        values.add(JsonText.array(a.top(TOP_PUBLISHED)));
        names.add(sharesName);
        values.add(shares(a));
    }

    /** Shares of the published top entries, rounded to 4 decimals. */
    private static String shares(CategoryAffinity a) {
        double[] s = a.topShares(TOP_PUBLISHED);
        for (int i = 0; i < s.length; i++) s[i] = Math.round(s[i] * 10_000) / 10_000.0;
        return JsonText.numbers(s);
    }
}

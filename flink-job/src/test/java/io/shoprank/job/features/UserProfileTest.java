package io.shoprank.job.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class UserProfileTest {

    /** 2023-11-14T22:00:00Z: on a 2 h (day-window) and a 5 min (hour-window) bucket boundary. */
    static final long T0 = 1_699_999_200_000L;
    private static final long MIN = 60_000;
    private static final long HOUR = 3_600_000;

    private final UserProfile p = UserProfile.empty();

    @Test
    void publishesEveryFieldInAFixedOrder() {
        p.apply(event(T0, EventType.VIEW, "i1", "c1"));

        assertEquals(List.of("views_1h", "views_24h", "clicks_1h", "clicks_24h", "favs_1h", "favs_24h",
                "carts_1h", "carts_24h", "purchases_1h", "purchases_24h", "searches_1h", "searches_24h",
                "top_categories", "top_category_shares", "recent_items", "last_active", "events_total",
                "activity_level", "price_band"), List.of(p.fields()[0]));
    }

    @Test
    void pricesBrandsAndShopsAddTheirFieldsAtTheEnd() {
        Event e = event(T0, EventType.VIEW, "i1", "c1");
        e.price = 25.0;
        e.brand = "acme";
        e.shop = "s1";
        p.apply(e);

        assertEquals(List.of("views_1h", "views_24h", "clicks_1h", "clicks_24h", "favs_1h", "favs_24h",
                "carts_1h", "carts_24h", "purchases_1h", "purchases_24h", "searches_1h", "searches_24h",
                "top_categories", "top_category_shares", "recent_items", "last_active", "events_total",
                "activity_level", "price_band", "price_typical", "price_spread", "top_brands", "top_brand_shares",
                "top_shops", "top_shop_shares"), List.of(p.fields()[0]));
        Map<String, String> f = fields(p);
        assertEquals("mid", f.get("price_band"));
        assertEquals("25.0", f.get("price_typical"));
        assertEquals("0.0", f.get("price_spread"));
        assertEquals("[\"acme\"]", f.get("top_brands"));
        assertEquals("[1.0]", f.get("top_brand_shares"));
        assertEquals("[\"s1\"]", f.get("top_shops"));
        assertEquals("[1.0]", f.get("top_shop_shares"));
    }

    @Test
    void priceBandIsUnknownUntilAPricedEventAndSearchesDoNotCount() {
        Event search = event(T0, EventType.SEARCH, null, null);
        search.query = "tv";
        search.price = 999.0; // a search carries no weight, like for categories
        p.apply(search);
        assertEquals("unknown", fields(p).get("price_band"));
        assertEquals(null, fields(p).get("price_typical"));

        Event cart = event(T0 + MIN, EventType.CART, "i1", null);
        cart.price = 4.0;
        p.apply(cart);
        Event view = event(T0 + 2 * MIN, EventType.VIEW, "i2", null);
        view.price = 400.0;
        p.apply(view);

        Map<String, String> f = fields(p);
        // weights 3 and 1 (decay over a minute is below the rounding): exp((3 ln 4 + ln 400) / 4) = 12.649
        assertEquals("12.65", f.get("price_typical"), "4 significant digits");
        assertEquals("mid", f.get("price_band"));
        // sqrt(3/4 * 1/4) * ln 100 = 1.994
        assertEquals("1.994", f.get("price_spread"));
    }

    @Test
    void topCategoriesComeWithTheirShares() {
        p.apply(event(T0, EventType.PURCHASE, "i1", "c1"));
        p.apply(event(T0, EventType.CART, "i2", "c2"));
        p.apply(event(T0, EventType.VIEW, "i3", "c3"));

        Map<String, String> f = fields(p);
        assertEquals("[\"c1\",\"c2\",\"c3\"]", f.get("top_categories"));
        assertEquals("[0.5,0.375,0.125]", f.get("top_category_shares"));
    }

    @Test
    void activityLevelFollowsTheWindowCounts() {
        for (int i = 0; i < 4; i++) p.apply(event(T0 + i * HOUR, EventType.VIEW, "i" + i, null));
        assertEquals("new", fields(p).get("activity_level"));

        p.apply(event(T0 + 4 * HOUR, EventType.VIEW, "i4", null));
        assertEquals("casual", fields(p).get("activity_level"), "5 events, one in the last hour");

        for (int i = 0; i < 4; i++) p.apply(event(T0 + 4 * HOUR + i, EventType.CLICK, "i" + i, null));
        assertEquals("active", fields(p).get("activity_level"), "5 events in the last hour");

        for (int i = 0; i < 25; i++) p.apply(event(T0 + 4 * HOUR + 10 + i, EventType.VIEW, "j" + i, null));
        assertEquals("heavy", fields(p).get("activity_level"), "30 events in the last hour");
    }

    @Test
    void brandsAndShopsAreBoundedAndDecay() {
        for (int i = 0; i < 30; i++) {
            Event e = event(T0 + i * HOUR, EventType.VIEW, "i" + i, null);
            e.brand = "b" + i;
            e.shop = "s" + (i % 12);
            p.apply(e);
        }

        assertEquals(UserProfile.MAX_BRANDS, p.brands.categories.length);
        assertEquals(UserProfile.MAX_SHOPS, p.shops.categories.length);
        Map<String, String> f = fields(p);
        assertEquals("[\"b29\",\"b28\",\"b27\",\"b26\",\"b25\"]", f.get("top_brands"),
                "equal weights: the most recent are strongest");
        assertEquals(5, f.get("top_brand_shares").split(",").length);
        // 12 shops in turn through 10 slots: each new one evicts the weakest, so the latest 10 stay
        assertEquals("[\"s5\",\"s4\",\"s3\",\"s2\",\"s1\"]", f.get("top_shops"));
    }

    @Test
    void aRecentBrandOutranksAnOlderHeavierOne() {
        Event old = event(T0, EventType.PURCHASE, "i1", null);
        old.brand = "old";   // 4, a week later worth 4 * 2^(-7/3) = 0.79
        p.apply(old);
        Event fresh = event(T0 + 7 * 24 * HOUR, EventType.VIEW, "i2", null);
        fresh.brand = "new"; // 1
        p.apply(fresh);

        Map<String, String> f = fields(p);
        assertEquals("[\"new\",\"old\"]", f.get("top_brands"));
        assertEquals("[0.5575,0.4425]", f.get("top_brand_shares"));
    }

    @Test
    void brandAndShopFieldsAreOnlyPublishedWhenTheUserHasSome() {
        Event search = event(T0, EventType.SEARCH, null, null);
        search.query = "acme";
        search.brand = "acme"; // a search carries no weight
        p.apply(search);

        Map<String, String> f = fields(p);
        assertEquals(null, f.get("top_brands"));
        assertEquals(null, f.get("top_brand_shares"));
        assertEquals(null, f.get("top_shops"));
    }

    @Test
    void stateFromBeforeTheProfileFieldsStillWorks() {
        p.price = null; // as restored from a savepoint of the previous UserProfile (fields added since)
        p.brands = null;
        p.shops = null;
        p.apply(event(T0, EventType.VIEW, "i1", "c1"));
        assertEquals("unknown", fields(p).get("price_band"));

        Event e = event(T0 + MIN, EventType.FAV, "i2", "c1");
        e.price = 5.0;
        e.brand = "acme";
        e.shop = "s1";
        p.apply(e);

        Map<String, String> f = fields(p);
        assertEquals("low", f.get("price_band"));
        assertEquals("[\"acme\"]", f.get("top_brands"));
        assertEquals("[\"s1\"]", f.get("top_shops"));
    }

    @Test
    void foldsEventsIntoCountsCategoriesAndRecentItems() {
        p.apply(event(T0, EventType.VIEW, "i1", "c1"));
        p.apply(event(T0 + MIN, EventType.CART, "i2", "c1"));
        Event search = event(T0 + 2 * MIN, EventType.SEARCH, null, "c9");
        search.query = "red shoes";
        p.apply(search);
        p.apply(event(T0 + 3 * MIN, EventType.PURCHASE, "i1", "c2"));

        Map<String, String> f = fields(p);
        assertEquals("1", f.get("views_1h"));
        assertEquals("1", f.get("views_24h"));
        assertEquals("0", f.get("clicks_1h"));
        assertEquals("0", f.get("favs_24h"));
        assertEquals("1", f.get("carts_1h"));
        assertEquals("1", f.get("purchases_24h"));
        assertEquals("1", f.get("searches_1h"));
        // c1: 1 + 3 three days' half-life minutes ago, c2: 4 just now; a search carries no weight, so no c9
        assertEquals("[\"c2\",\"c1\"]", f.get("top_categories"));
        assertEquals("[0.5001,0.4999]", f.get("top_category_shares"), "4 now against 1 + 3 a few minutes ago");
        assertEquals("unknown", f.get("price_band"), "no event carried a price");
        assertEquals("new", f.get("activity_level"));
        assertEquals("[\"i1\",\"i2\"]", f.get("recent_items"), "i1 seen again moves to the front; a search has no item");
        assertEquals(Long.toString(T0 + 3 * MIN), f.get("last_active"));
        assertEquals("4", f.get("events_total"));
        assertEquals(4, p.version);
    }

    @Test
    void hourWindowSlidesWhileDayWindowKeeps() {
        p.apply(event(T0, EventType.VIEW, "i1", "c1"));
        p.apply(event(T0 + MIN, EventType.CART, "i2", "c1"));

        p.apply(event(T0 + 2 * HOUR, EventType.VIEW, "i3", null));

        Map<String, String> f = fields(p);
        assertEquals("1", f.get("views_1h"));
        assertEquals("2", f.get("views_24h"));
        assertEquals("0", f.get("carts_1h"));
        assertEquals("1", f.get("carts_24h"));
        assertEquals("[\"i3\",\"i2\",\"i1\"]", f.get("recent_items"));
        assertEquals(Long.toString(T0 + 2 * HOUR), f.get("last_active"));
    }

    @Test
    void dayWindowForgetsAfterADay() {
        p.apply(event(T0, EventType.FAV, "i1", "c1"));

        p.apply(event(T0 + 24 * HOUR, EventType.VIEW, "i2", "c1"));

        Map<String, String> f = fields(p);
        assertEquals("0", f.get("favs_24h"), "T0's 2 h bucket slid out when T0 + 24 h began");
        assertEquals("1", f.get("views_24h"));
        assertEquals("2", f.get("events_total"));
    }

    @Test
    void outOfOrderEventDoesNotMoveLastActiveBack() {
        p.apply(event(T0 + 2 * HOUR, EventType.VIEW, "i3", null));

        p.apply(event(T0 + HOUR, EventType.VIEW, "i4", null));

        Map<String, String> f = fields(p);
        assertEquals(Long.toString(T0 + 2 * HOUR), f.get("last_active"));
        assertEquals("1", f.get("views_1h"), "the late view's bucket is outside the hour ending at last_active");
        assertEquals("2", f.get("views_24h"));
        assertEquals("[\"i4\",\"i3\"]", f.get("recent_items"));
        assertEquals(2, p.version);
    }

    @Test
    void recentItemsAndCategoriesAreBounded() {
        for (int i = 0; i < 30; i++) {
            p.apply(event(T0 + i, EventType.VIEW, "i" + i, "c" + i));
        }

        assertEquals(UserProfile.MAX_RECENT, p.recentItems.length);
        assertEquals("i29", p.recentItems[0]);
        assertEquals("i20", p.recentItems[UserProfile.MAX_RECENT - 1]);
        assertEquals(UserProfile.MAX_CATEGORIES, p.affinity.categories.length);
        assertEquals("[\"c29\",\"c28\",\"c27\",\"c26\",\"c25\"]", fields(p).get("top_categories"),
                "equal weights: the most recent are strongest");
        assertEquals("30", fields(p).get("events_total"));
    }

    static Map<String, String> fields(UserProfile p) {
        String[][] f = p.fields();
        assertEquals(f[0].length, f[1].length);
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < f[0].length; i++) {
            m.put(f[0][i], f[1][i]);
        }
        return m;
    }

    static Event event(long ts, EventType type, String item, String category) {
        return new Event(ts, type, "u1", item, category);
    }
}

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
                "top_categories", "recent_items", "last_active", "events_total"), List.of(p.fields()[0]));
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

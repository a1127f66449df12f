package io.shoprank.job.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.job.events.CatalogItem;
import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ItemProfileTest {

    private static final long T0 = UserProfileTest.T0;
    private static final long MIN = 60_000;
    private static final long HOUR = 3_600_000;
    private static final double HALF_LIFE = 6 * HOUR;
    private static final double EPS = 1e-12;

    private final ItemProfile p = ItemProfile.empty();

    @Test
    void conversionRateOfAnUnknownItemIsThePrior() {
        assertEquals(0.02, p.conversionRate(T0), EPS);
    }

    @Test
    void conversionRateIsSmoothedTowardsThePrior() {
        for (int i = 0; i < 8; i++) apply(T0 + i, EventType.VIEW);
        for (int i = 0; i < 2; i++) apply(T0 + i, EventType.CLICK);
        apply(T0 + 10, EventType.PURCHASE);

        // (1 purchase + 0.02 * 20) / (10 views and clicks + 20)
        assertEquals(1.4 / 30, p.conversionRate(T0 + 10), EPS);
    }

    @Test
    void conversionRateNeverExceedsOne() {
        for (int i = 0; i < 1_000; i++) apply(T0 + i, EventType.PURCHASE);

        double rate = p.conversionRate(T0 + 1_000);
        assertEquals(1000.4 / 1020, rate, EPS);
        assertTrue(rate < 1);

        apply(T0 + 1_001, EventType.VIEW); // 1 view, 1000 purchases: still not above 1
        assertEquals(1000.4 / 1020, p.conversionRate(T0 + 1_001), EPS);
    }

    @Test
    void conversionRateUsesTheLast24HoursOnly() {
        apply(T0, EventType.PURCHASE);
        apply(T0, EventType.VIEW);

        assertEquals(1.4 / 21, p.conversionRate(T0), EPS);
        assertEquals(0.02, p.conversionRate(T0 + 24 * HOUR), EPS);
    }

    @Test
    void trendingOfAQuietItemIsOne() {
        assertEquals(1.0, p.trending(T0), EPS);
    }

    @Test
    void trendingIsOneForSteadyTraffic() {
        for (int h = 0; h < 24; h++) apply(T0 + h * HOUR, EventType.VIEW);

        // last hour: the view at T0 + 23 h; 24 h average: 24 views / 24
        assertEquals(1.0, p.trending(T0 + 23 * HOUR), EPS);
    }

    @Test
    void trendingRisesWithABurst() {
        for (int i = 0; i < 24; i++) apply(T0 + i * MIN, EventType.VIEW);
        apply(T0 + 30 * MIN, EventType.PURCHASE); // weight 4

        // last hour: 24 + 4 = 28; hourly average: 28 / 24
        assertEquals((28 + 1) / (28 / 24.0 + 1), p.trending(T0 + 30 * MIN), EPS);
        // two hours later the burst has left the last hour but not the day
        assertEquals(1 / (28 / 24.0 + 1), p.trending(T0 + 2 * HOUR + 30 * MIN), EPS);
    }

    @Test
    void popularityDecaysByHalfEveryHalfLife() {
        apply(T0, EventType.PURCHASE);
        apply(T0, EventType.CART);

        Map<String, String> at0 = fields(p, T0);
        Map<String, String> atHalfLife = fields(p, T0 + (long) HALF_LIFE);
        assertEquals(7.0, Double.parseDouble(at0.get("popularity")), 1e-9);
        assertEquals(3.5, Double.parseDouble(atHalfLife.get("popularity")), 1e-9);
    }

    @Test
    void publishesCountsWithoutSearchesThenScoresThenAttributes() {
        apply(T0, EventType.VIEW);
        CatalogItem c = catalog("Red Shoes", "shoes", "acme", 49.9, true);
        p.apply(c);

        String[][] f = p.fields(T0, HALF_LIFE);
        assertEquals(List.of("views_1h", "views_24h", "clicks_1h", "clicks_24h", "favs_1h", "favs_24h",
                "carts_1h", "carts_24h", "purchases_1h", "purchases_24h",
                "conversion_rate", "trending", "popularity", "last_event",
                "title", "category", "brand", "price", "in_stock"), List.of(f[0]));
        Map<String, String> m = fields(p, T0);
        assertEquals("1", m.get("views_1h"));
        assertEquals(0.4 / 21, Double.parseDouble(m.get("conversion_rate")), EPS);
        assertEquals(2 / (1 / 24.0 + 1), Double.parseDouble(m.get("trending")), EPS);
        assertEquals(1.0, Double.parseDouble(m.get("popularity")), 1e-9);
        assertEquals(Long.toString(T0), m.get("last_event"));
        assertEquals("Red Shoes", m.get("title"));
        assertEquals("shoes", m.get("category"));
        assertEquals("acme", m.get("brand"));
        assertEquals("49.9", m.get("price"));
        assertEquals("true", m.get("in_stock"));
    }

    @Test
    void absentAttributesAreNotPublished() {
        apply(T0, EventType.VIEW);

        Map<String, String> m = fields(p, T0);
        assertFalse(m.containsKey("title"));
        assertFalse(m.containsKey("category"));
        assertFalse(m.containsKey("price"));
        assertFalse(m.containsKey("in_stock"));
    }

    @Test
    void catalogIsTheAuthorityForCategoryAndPrice() {
        Event first = new Event(T0, EventType.VIEW, "u", "i1", "from-event");
        first.price = 10.0;
        p.apply(first, HALF_LIFE);
        assertEquals("from-event", p.category, "an event fills in what the catalog has not said");
        assertEquals(10.0, p.price);

        p.apply(catalog(null, "from-catalog", null, 12.5, null));
        Event later = new Event(T0 + 1, EventType.VIEW, "u", "i1", "other");
        later.price = 11.0;
        p.apply(later, HALF_LIFE);

        assertEquals("from-catalog", p.category);
        assertEquals(12.5, p.price);
    }

    @Test
    void catalogUpsertKeepsAttributesItDoesNotCarry() {
        p.apply(catalog("Red Shoes", "shoes", "acme", 49.9, true));

        p.apply(catalog(null, null, null, 39.9, false));

        assertEquals("Red Shoes", p.title);
        assertEquals("shoes", p.category);
        assertEquals("acme", p.brand);
        assertEquals(39.9, p.price);
        assertEquals(Boolean.FALSE, p.inStock);
    }

    @Test
    void everyChangeBumpsTheVersionAndLastEventOnlyMovesForward() {
        apply(T0 + 5 * MIN, EventType.VIEW);
        apply(T0, EventType.VIEW);
        p.apply(catalog("t", null, null, null, null));

        assertEquals(3, p.version);
        assertEquals(T0 + 5 * MIN, p.lastEvent);
        assertNull(p.brand);
    }

    private void apply(long ts, EventType type) {
        p.apply(new Event(ts, type, "u", "i1", null), HALF_LIFE);
    }

    private static CatalogItem catalog(String title, String category, String brand, Double price, Boolean inStock) {
        CatalogItem c = new CatalogItem();
        c.ts = T0;
        c.item = "i1";
        c.title = title;
        c.category = category;
        c.brand = brand;
        c.price = price;
        c.inStock = inStock;
        return c;
    }

    static Map<String, String> fields(ItemProfile p, long now) {
        String[][] f = p.fields(now, HALF_LIFE);
        assertEquals(f[0].length, f[1].length);
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < f[0].length; i++) {
            m.put(f[0][i], f[1][i]);
        }
        return m;
    }
}

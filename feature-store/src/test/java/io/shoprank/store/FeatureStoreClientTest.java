package io.shoprank.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.store.StoreWrite.Kind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class FeatureStoreClientTest {

    private static RedisTestServer redis;
    private static RedisEndpoint endpoint;
    private FeatureStoreWriter writer;
    private FeatureStoreClient client;

    @BeforeAll
    static void startRedis() {
        redis = new RedisTestServer().start();
        endpoint = RedisEndpoint.parse(redis.url(), "t");
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        try (Jedis jedis = redis.newJedis()) {
            jedis.flushAll();
        }
        writer = new FeatureStoreWriter(endpoint);
        client = new FeatureStoreClient(endpoint);
        write(StoreWrite.list(Kind.TRENDING, "", 3, 300, 0, new String[] {"t1", "t2", "t3"},
                new double[] {30, 20, 10}, null));
    }

    @AfterEach
    void tearDown() {
        client.close();
        writer.close();
    }

    @Test
    void returnsTheUsersOwnListCutToK() throws Exception {
        write(recs("u1", "a", "b", "c"));

        assertEquals(List.of("a", "b"), client.recommendations("u1", 2));
        assertEquals(List.of("a", "b", "c"), client.recommendations("u1", 10));
    }

    @Test
    void fallsBackToTrendingForUnknownAndAnonymousUsers() throws Exception {
        assertEquals(List.of("t1", "t2"), client.recommendations("nobody", 2));
        assertEquals(List.of("t1", "t2"), client.recommendations(null, 2));
        assertEquals(List.of("t1"), client.recommendations("", 1));

        write(recs("u1")); // an empty list counts as no list
        assertEquals(List.of("t1", "t2", "t3"), client.recommendations("u1", 5));
    }

    @Test
    void readsMetaAlignedWithTheItems() throws Exception {
        write(StoreWrite.list(Kind.RECOMMENDATIONS, "u1", 7, 1234, 0, new String[] {"a", "b", "c"},
                new double[] {0.9, 0.1 + 0.2, -1e-9}, new String[] {"viewed x", null, "popular"}));

        Recommendations r = client.recommendationsWithMeta("u1", 2);

        assertEquals(new Recommendations(List.of("a", "b"), List.of(0.9, 0.1 + 0.2), List.of("viewed x", ""),
                true, 7, 1234), r);
    }

    @Test
    void refreshesTheTrendingEntriesOfAStaleListFromTheCurrentTrendingLists() throws Exception {
        long hour = ListRefresh.DEFAULT_STALE_AFTER_MS;
        write(StoreWrite.list(Kind.TRENDING, "", 4, 10 * hour, 0, new String[] {"t1", "s2", "t2"},
                new double[] {3, 2, 1}, null));
        write(StoreWrite.list(Kind.CATEGORY_TRENDING, "shoes", 2, 10 * hour, 0, new String[] {"s1", "s2", "s3"},
                new double[] {3, 2, 1}, null));
        String[] reasons = {"viewed together with x", ListRefresh.reasonFor("shoes"), ListRefresh.reasonFor(null)};
        write(StoreWrite.recommendations("u1", 9, 9 * hour, 0, new String[] {"a", "old1", "old2"},
                new double[] {0.5, 0.2, 0.1}, reasons, new String[] {"s1"}, null, ListRefresh.Order.SLOTS));

        assertEquals(List.of("a", "s2", "t1"), client.recommendations("u1", 10));
        assertEquals(List.of("a", "s2"), client.recommendations("u1", 2));
        assertEquals(new Recommendations(List.of("a", "s2", "t1"), List.of(0.5, 0.2, 0.1), List.of(reasons),
                true, 9, 9 * hour), client.recommendationsWithMeta("u1", 10));

        // the job chose to serve refreshed trending entries first
        write(StoreWrite.recommendations("u1", 10, 9 * hour, 0, new String[] {"a", "old1", "old2"},
                new double[] {0.5, 0.2, 0.1}, reasons, new String[] {"s1"}, null, ListRefresh.Order.FILL_FIRST));
        assertEquals(List.of("s2", "t1", "a"), client.recommendations("u1", 10));
        assertEquals(new Recommendations(List.of("s2", "t1"), List.of(0.2, 0.1), List.of(reasons[1], reasons[2]),
                true, 10, 9 * hour), client.recommendationsWithMeta("u1", 2));

        // the same list an hour less old is served as stored
        write(StoreWrite.recommendations("u1", 11, 9 * hour + 1, 0, new String[] {"a", "old1", "old2"},
                new double[] {0.5, 0.2, 0.1}, reasons, new String[] {"s1"}, null, ListRefresh.Order.FILL_FIRST));
        assertEquals(List.of("a", "old1", "old2"), client.recommendations("u1", 10));
        assertEquals(List.of("a", "old1", "old2"), client.recommendationsWithMeta("u1", 10).items());
    }

    @Test
    void recomputesTheCoVisitationEntriesOfAStaleListFromTheSeedsSimilarLists() throws Exception {
        long hour = ListRefresh.DEFAULT_STALE_AFTER_MS;
        write(StoreWrite.list(Kind.TRENDING, "", 4, 10 * hour, 0, new String[] {"t1"}, new double[] {1}, null));
        write(StoreWrite.list(Kind.SIMILAR_ITEMS, "x", 3, 10 * hour, 0, new String[] {"c1", "c2"},
                new double[] {5, 1}, null));
        write(StoreWrite.list(Kind.SIMILAR_ITEMS, "y", 3, 10 * hour, 0, new String[] {"c2", "c3"},
                new double[] {8, 1}, null));
        String[] reasons = {"viewed together with x", "viewed together with x", "similar to items you viewed"};
        write(StoreWrite.recommendations("u1", 9, 8 * hour, 0, new String[] {"old1", "old2", "e"},
                new double[] {0.5, 0.2, 0.1}, reasons, new String[] {"x", "y"}, new String[] {"x", "y"},
                ListRefresh.Order.SLOTS));

        // c1 5, c2 1 + 8 / 2 = 5 (ties keep first-seen order), c3 0.5
        assertEquals(List.of("c1", "c2", "e"), client.recommendations("u1", 10));
        assertEquals(new Recommendations(List.of("c1", "c2", "e"), List.of(0.5, 0.2, 0.1),
                List.of("viewed together with x", "viewed together with y", "similar to items you viewed"), true, 9,
                8 * hour), client.recommendationsWithMeta("u1", 10));
    }

    @Test
    void metaFallsBackToTrending() {
        Recommendations r = client.recommendationsWithMeta("nobody", 2);

        assertFalse(r.personalised());
        assertEquals(List.of("t1", "t2"), r.items());
        assertEquals(List.of(30.0, 20.0), r.scores());
        assertEquals(List.of("", ""), r.reasons());
        assertEquals(3, r.version());
        assertEquals(300, r.asOfTs());
        assertEquals(r, client.recommendationsWithMeta(null, 2));
    }

    @Test
    void returnsNothingWhenTrendingIsMissingToo() {
        try (Jedis jedis = redis.newJedis()) {
            jedis.flushAll();
        }
        assertEquals(List.of(), client.recommendations("u1", 5));
        assertEquals(Recommendations.none(), client.recommendationsWithMeta("u1", 5));
    }

    @Test
    void reportsCorruptMeta() {
        try (Jedis jedis = redis.newJedis()) {
            jedis.rpush("t:rec:{u1}", "a");
            jedis.hset("t:recmeta:{u1}", Map.of("v", "1", "ts", "1", "scores", "[oops", "reasons", "[]"));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> client.recommendationsWithMeta("u1", 5));
        assertTrue(e.getMessage().contains("t:recmeta:{u1}"), e.getMessage());
    }

    @Test
    void readsOtherLists() throws Exception {
        write(StoreWrite.list(Kind.SIMILAR_ITEMS, "i1", 1, 0, 0, new String[] {"i2", "i3"}, new double[] {2, 1}, null));
        write(StoreWrite.list(Kind.CATEGORY_TRENDING, "shoes", 1, 0, 0, new String[] {"s1"}, new double[] {1}, null));

        assertEquals(List.of("i2"), client.similarItems("i1", 1));
        assertEquals(List.of(), client.similarItems("unknown", 5));
        assertEquals(List.of("s1"), client.categoryTrending("shoes", 5));
        assertEquals(List.of("t1", "t2", "t3"), client.trending(3));
    }

    @Test
    void readsFeatureHashes() throws Exception {
        write(StoreWrite.features(Kind.USER_FEATURES, "u1", 2, 20, 0, new String[] {"clicks"}, new String[] {"4"}));
        write(StoreWrite.features(Kind.ITEM_FEATURES, "i1", 3, 30, 0, new String[] {"price"}, new String[] {"9.5"}));

        assertEquals(Map.of("v", "2", "ts", "20", "clicks", "4"), client.userFeatures("u1"));
        assertEquals(Map.of("v", "3", "ts", "30", "price", "9.5"), client.itemFeatures("i1"));
        assertEquals(Map.of(), client.userFeatures("unknown"));
    }

    @Test
    void readsTheUserProfileTyped() throws Exception {
        write(StoreWrite.features(Kind.USER_FEATURES, "u1", 5, 1000, 0,
                new String[] {"views_24h", "top_categories", "top_category_shares", "recent_items", "last_active",
                    "events_total", "activity_level", "price_band", "price_typical", "price_spread", "top_brands",
                    "top_brand_shares", "top_shops", "top_shop_shares"},
                new String[] {"3", "[\"c2\",\"c1\"]", "[0.8,0.2]", "[\"i1\",\"i2\"]", "1000", "7", "casual", "mid",
                    "24.5", "0.125", "[\"acme\"]", "[1.0]", "[\"s1\",\"s2\"]", "[0.6,0.4]"}));

        UserProfileView p = client.userProfile("u1").orElseThrow();

        assertEquals(new UserProfileView(5, 1000, List.of("c2", "c1"), List.of(0.8, 0.2), List.of("i1", "i2"), 1000,
                7, "casual", "mid", 24.5, 0.125, List.of("acme"), List.of(1.0), List.of("s1", "s2"),
                List.of(0.6, 0.4)), p);
    }

    @Test
    void absentProfileFieldsReadAsEmptyOrUnknown() throws Exception {
        write(StoreWrite.features(Kind.USER_FEATURES, "u1", 2, 20, 0,
                new String[] {"top_categories", "last_active", "events_total"}, new String[] {"[]", "20", "1"}));

        UserProfileView p = client.userProfile("u1").orElseThrow();

        assertEquals(List.of(), p.topCategories());
        assertEquals(List.of(), p.topCategoryShares());
        assertEquals(List.of(), p.topBrands());
        assertEquals(List.of(), p.topShops());
        assertEquals(UserProfileView.PRICE_BAND_UNKNOWN, p.priceBand());
        assertEquals(null, p.priceTypical());
        assertEquals(null, p.activityLevel());
        assertEquals(20, p.lastActive());
        assertEquals(Optional.empty(), client.userProfile("unknown"));
        assertEquals(Optional.empty(), client.userProfile(null));
        assertEquals(Optional.empty(), client.userProfile(""));
    }

    @Test
    void reportsACorruptProfile() {
        try (Jedis jedis = redis.newJedis()) {
            jedis.hset("t:user:{u1}", Map.of("v", "1", "ts", "1", "top_categories", "[oops"));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> client.userProfile("u1"));
        assertTrue(e.getMessage().contains("t:user:{u1}"), e.getMessage());
    }

    @Test
    void rejectsNonPositiveK() {
        assertThrows(IllegalArgumentException.class, () -> client.recommendations("u1", 0));
        assertThrows(IllegalArgumentException.class, () -> client.trending(-1));
    }

    private void write(StoreWrite w) throws InterruptedException {
        writer.write(List.of(w));
    }

    private static StoreWrite recs(String user, String... items) {
        double[] scores = new double[items.length];
        return StoreWrite.list(Kind.RECOMMENDATIONS, user, 1, 100, 0, items, scores, null);
    }
}

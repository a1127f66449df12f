package io.shoprank.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.store.StoreWrite.Kind;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

class FeatureStoreWriterTest {

    private static RedisTestServer redis;
    private Jedis jedis;
    private FeatureStoreWriter writer;
    private final KeySchema keys = new KeySchema("t");

    @BeforeAll
    static void startRedis() {
        redis = new RedisTestServer().start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void setUp() {
        jedis = redis.newJedis();
        jedis.flushAll();
        writer = new FeatureStoreWriter(RedisEndpoint.parse(redis.url(), "t"));
    }

    @AfterEach
    void tearDown() {
        writer.close();
        jedis.close();
    }

    @Test
    void writesFeatureHashWithVersionAndTimestamp() throws Exception {
        WriteResult result = writer.write(List.of(userFeatures("u1", 5, "clicks", "3", "country", "de")));

        assertEquals(new WriteResult(1, 0), result);
        assertEquals(Map.of("v", "5", "ts", "1005", "clicks", "3", "country", "de"),
                jedis.hgetAll("t:user:{u1}"));
        assertEquals(-1, jedis.pttl("t:user:{u1}"));
    }

    @Test
    void skipsStaleAndEqualVersions() throws Exception {
        writer.write(List.of(userFeatures("u1", 5, "clicks", "5")));

        WriteResult replay = writer.write(
                List.of(userFeatures("u1", 5, "clicks", "replayed"), userFeatures("u1", 4, "clicks", "old")));

        assertEquals(new WriteResult(0, 2), replay);
        assertEquals("5", jedis.hget("t:user:{u1}", "clicks"));

        assertEquals(new WriteResult(1, 0), writer.write(List.of(userFeatures("u1", 6, "clicks", "6"))));
        assertEquals("6", jedis.hget("t:user:{u1}", "clicks"));
    }

    @Test
    void appliesABatchInOrder() throws Exception {
        WriteResult result = writer.write(List.of(userFeatures("u1", 1, "f", "1"), userFeatures("u1", 3, "f", "3"),
                userFeatures("u1", 2, "f", "2"), itemFeatures("i1", 1, "f", "x")));

        assertEquals(new WriteResult(3, 1), result);
        assertEquals("3", jedis.hget("t:user:{u1}", "f"));
        assertEquals("x", jedis.hget("t:item:{i1}", "f"));
    }

    @Test
    void newerFeaturesReplaceTheWholeHash() throws Exception {
        writer.write(List.of(itemFeatures("i1", 1, "price", "9.99", "brand", "acme")));
        writer.write(List.of(itemFeatures("i1", 2, "price", "8.99")));

        assertEquals(Map.of("v", "2", "ts", "1002", "price", "8.99"), jedis.hgetAll("t:item:{i1}"));
    }

    @Test
    void shorterListFullyReplacesALongerOne() throws Exception {
        writer.write(List.of(recs("u1", 1, "a", "b", "c", "d")));
        writer.write(List.of(recs("u1", 2, "x", "y")));

        assertEquals(List.of("x", "y"), jedis.lrange("t:rec:{u1}", 0, -1));
        Map<String, String> meta = jedis.hgetAll("t:recmeta:{u1}");
        assertEquals("2", meta.get("v"));
        assertEquals("1002", meta.get("ts"));
        assertEquals("[2.0,1.0]", meta.get("scores"));
        assertEquals("[\"why x\",\"why y\"]", meta.get("reasons"));
    }

    @Test
    void emptyListLeavesTheListAbsentButGuardsItsVersion() throws Exception {
        writer.write(List.of(recs("u1", 1, "a", "b")));
        writer.write(List.of(recs("u1", 2)));

        assertFalse(jedis.exists("t:rec:{u1}"));
        assertEquals("2", jedis.hget("t:recmeta:{u1}", "v"));
        assertEquals(new WriteResult(0, 1), writer.write(List.of(recs("u1", 1, "a"))));
        assertFalse(jedis.exists("t:rec:{u1}"));
    }

    @Test
    void everyListKindUsesItsKeys() throws Exception {
        writer.write(List.of(
                StoreWrite.list(Kind.SIMILAR_ITEMS, "i1", 1, 0, 0, new String[] {"i2"}, new double[] {0.5}, null),
                StoreWrite.list(Kind.TRENDING, "", 1, 0, 0, new String[] {"i3"}, new double[] {9}, null),
                StoreWrite.list(Kind.CATEGORY_TRENDING, "shoes", 1, 0, 0, new String[] {"i4"}, new double[] {7},
                        null)));

        assertEquals(List.of("i2"), jedis.lrange(keys.similarList("i1"), 0, -1));
        assertEquals(List.of("i3"), jedis.lrange(keys.trendingList(), 0, -1));
        assertEquals(List.of("i4"), jedis.lrange(keys.categoryTrendingList("shoes"), 0, -1));
        assertEquals("[\"\"]", jedis.hget(keys.trendingMeta(), "reasons"));
        assertEquals("[7.0]", jedis.hget(keys.categoryTrendingMeta("shoes"), "scores"));
    }

    @Test
    void setsTheTtlOnEveryKeyAndRemovesItWhenZero() throws Exception {
        StoreWrite list = recs("u1", 1, "a");
        list.ttlMs = 60_000;
        StoreWrite hash = userFeatures("u1", 1, "f", "1");
        hash.ttlMs = 60_000;
        writer.write(List.of(list, hash));

        for (String key : List.of("t:rec:{u1}", "t:recmeta:{u1}", "t:user:{u1}")) {
            long pttl = jedis.pttl(key);
            assertTrue(pttl > 50_000 && pttl <= 60_000, key + " pttl " + pttl);
        }

        writer.write(List.of(recs("u1", 2, "b"), userFeatures("u1", 2, "f", "2")));
        for (String key : List.of("t:rec:{u1}", "t:recmeta:{u1}", "t:user:{u1}")) {
            assertEquals(-1, jedis.pttl(key), key);
        }
    }

    @Test
    void comparesVersionsBeyondDoublePrecisionExactly() throws Exception {
        long big = 1L << 53; // big + 1 rounds to big as a Lua number
        writer.write(List.of(userFeatures("u1", big, "f", "old")));

        assertEquals(new WriteResult(1, 0), writer.write(List.of(userFeatures("u1", big + 1, "f", "new"))));
        assertEquals(new WriteResult(0, 1), writer.write(List.of(userFeatures("u1", big, "f", "older"))));
        assertEquals(new WriteResult(1, 0), writer.write(List.of(userFeatures("u1", Long.MAX_VALUE, "f", "max"))));
        assertEquals("max", jedis.hget("t:user:{u1}", "f"));
    }

    @Test
    void storesListsLargerThanOneLuaUnpack() throws Exception {
        int n = 20_000;
        String[] items = IntStream.range(0, n).mapToObj(i -> "i" + i).toArray(String[]::new);
        double[] scores = IntStream.range(0, n).mapToDouble(i -> n - i).toArray();
        writer.write(List.of(StoreWrite.list(Kind.TRENDING, "", 1, 0, 0, items, scores, null)));

        assertEquals(n, jedis.llen(keys.trendingList()));
        assertEquals("i19999", jedis.lindex(keys.trendingList(), -1));
    }

    @Test
    void reloadsScriptsAfterScriptFlush() throws Exception {
        writer.write(List.of(userFeatures("u1", 1, "f", "1")));
        jedis.scriptFlush();

        assertEquals(new WriteResult(1, 0), writer.write(List.of(userFeatures("u1", 2, "f", "2"))));
        assertEquals("2", jedis.hget("t:user:{u1}", "f"));
        assertEquals(1, writer.retries());
        assertEquals(0, writer.connectionFailures());
    }

    @Test
    void rejectsAnInvalidBatchBeforeSendingAnything() {
        StoreWrite broken = userFeatures("u2", 1, "f", "1");
        broken.fieldValues = null;

        assertThrows(IllegalArgumentException.class,
                () -> writer.write(List.of(userFeatures("u1", 1, "f", "1"), broken)));
        assertFalse(jedis.exists("t:user:{u1}"));
    }

    @Test
    void surfacesNonTransientRedisErrors() {
        jedis.set("t:user:{u1}", "not a hash");

        JedisDataException e = assertThrows(JedisDataException.class,
                () -> writer.write(List.of(userFeatures("u1", 1, "f", "1"))));
        assertTrue(e.getMessage().contains("WRONGTYPE"), e.getMessage());
        assertEquals(0, writer.retries());
    }

    @Test
    void refusesToWriteWhenClosed() {
        writer.close();
        assertThrows(IllegalStateException.class, () -> writer.write(List.of(userFeatures("u1", 1, "f", "1"))));
    }

    private static StoreWrite userFeatures(String user, long version, String... fieldsAndValues) {
        return features(Kind.USER_FEATURES, user, version, fieldsAndValues);
    }

    private static StoreWrite itemFeatures(String item, long version, String... fieldsAndValues) {
        return features(Kind.ITEM_FEATURES, item, version, fieldsAndValues);
    }

    private static StoreWrite features(Kind kind, String id, long version, String... fieldsAndValues) {
        String[] names = IntStream.range(0, fieldsAndValues.length / 2).mapToObj(i -> fieldsAndValues[2 * i])
                .toArray(String[]::new);
        String[] values = IntStream.range(0, fieldsAndValues.length / 2).mapToObj(i -> fieldsAndValues[2 * i + 1])
                .toArray(String[]::new);
        return StoreWrite.features(kind, id, version, 1000 + version, 0, names, values);
    }

    /** Scores count down from the list length; reasons are "why <item>". */
    private static StoreWrite recs(String user, long version, String... items) {
        double[] scores = IntStream.range(0, items.length).mapToDouble(i -> items.length - i).toArray();
        String[] reasons = Arrays.stream(items).map(i -> "why " + i).toArray(String[]::new);
        return StoreWrite.list(Kind.RECOMMENDATIONS, user, version, 1000 + version, 0, items, scores, reasons);
    }
}

package io.shoprank.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shoprank.store.StoreWrite.Kind;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

class KeySchemaTest {

    private final KeySchema keys = new KeySchema();

    @Test
    void defaultNamespaceKeys() {
        assertEquals("shoprank:rec:{u42}", keys.recList("u42"));
        assertEquals("shoprank:recmeta:{u42}", keys.recMeta("u42"));
        assertEquals("shoprank:similar:{i7}", keys.similarList("i7"));
        assertEquals("shoprank:similarmeta:{i7}", keys.similarMeta("i7"));
        assertEquals("shoprank:trending", keys.trendingList());
        assertEquals("shoprank:trendingmeta", keys.trendingMeta());
        assertEquals("shoprank:trending:cat:{shoes}", keys.categoryTrendingList("shoes"));
        assertEquals("shoprank:trendingmeta:cat:{shoes}", keys.categoryTrendingMeta("shoes"));
        assertEquals("shoprank:user:{u42}", keys.userFeatures("u42"));
        assertEquals("shoprank:item:{i7}", keys.itemFeatures("i7"));
    }

    @Test
    void kindDispatch() {
        KeySchema custom = new KeySchema("test:ns");
        assertEquals("test:ns:rec:{u}", custom.listKey(Kind.RECOMMENDATIONS, "u"));
        assertEquals("test:ns:similarmeta:{i}", custom.metaKey(Kind.SIMILAR_ITEMS, "i"));
        assertEquals("test:ns:trending", custom.listKey(Kind.TRENDING, ""));
        assertEquals("test:ns:trendingmeta", custom.metaKey(Kind.TRENDING, ""));
        assertEquals("test:ns:trending:cat:{c}", custom.listKey(Kind.CATEGORY_TRENDING, "c"));
        assertEquals("test:ns:user:{u}", custom.hashKey(Kind.USER_FEATURES, "u"));
        assertEquals("test:ns:item:{i}", custom.hashKey(Kind.ITEM_FEATURES, "i"));
    }

    @Test
    void listAndMetaShareAClusterSlot() {
        for (String id : new String[] {"u42", "a:b", "we{ird", "we}ird"}) {
            for (Kind kind : new Kind[] {Kind.RECOMMENDATIONS, Kind.SIMILAR_ITEMS, Kind.CATEGORY_TRENDING}) {
                assertEquals(JedisClusterCRC16.getSlot(keys.listKey(kind, id)),
                        JedisClusterCRC16.getSlot(keys.metaKey(kind, id)), kind + " " + id);
            }
        }
    }

    @Test
    void rejectsWrongKindsAndIds() {
        assertThrows(IllegalArgumentException.class, () -> keys.listKey(Kind.USER_FEATURES, "u"));
        assertThrows(IllegalArgumentException.class, () -> keys.hashKey(Kind.RECOMMENDATIONS, "u"));
        assertThrows(IllegalArgumentException.class, () -> keys.recList(""));
        assertThrows(IllegalArgumentException.class, () -> keys.itemFeatures(null));
        assertThrows(IllegalArgumentException.class, () -> keys.listKey(Kind.TRENDING, "x"));
    }

    @Test
    void rejectsBadNamespaces() {
        assertThrows(IllegalArgumentException.class, () -> new KeySchema(""));
        assertThrows(IllegalArgumentException.class, () -> new KeySchema("a{b}"));
    }
}

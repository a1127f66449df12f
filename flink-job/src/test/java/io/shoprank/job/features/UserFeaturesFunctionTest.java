package io.shoprank.job.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventType;
import io.shoprank.store.StoreWrite;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The user-features operator in a keyed harness (heap state unless said otherwise, Kryo disabled as in the job). */
class UserFeaturesFunctionTest {

    private static final long T0 = UserProfileTest.T0;
    private static final Duration STATE_TTL = Duration.ofHours(1);
    private static final Duration REDIS_TTL = Duration.ofDays(7);
    private static final long TTL_MS = STATE_TTL.toMillis();

    private KeyedOneInputStreamOperatorTestHarness<String, Event, StoreWrite> harness;

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) harness.close();
    }

    private void open(boolean rocksDb) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new UserFeaturesFunction(STATE_TTL, REDIS_TTL)), e -> e.user, Types.STRING);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        if (rocksDb) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        harness.open();
    }

    @Test
    void publishesTheUsersFeaturesWithAGrowingVersion() throws Exception {
        open(false);

        process(event(T0, "u1", EventType.VIEW, "i1", "c1", 111));
        process(event(T0 + 60_000, "u1", EventType.CART, "i2", "c1", 222));

        List<StoreWrite> out = harness.extractOutputValues();
        assertEquals(2, out.size());
        StoreWrite first = out.get(0);
        assertEquals(StoreWrite.Kind.USER_FEATURES, first.kind);
        assertEquals("u1", first.id);
        assertEquals(1, first.version);
        assertEquals(T0, first.asOfTs);
        assertEquals(REDIS_TTL.toMillis(), first.ttlMs);
        assertEquals(111, first.ingestMs);

        StoreWrite second = out.get(1);
        assertEquals(2, second.version);
        assertEquals(T0 + 60_000, second.asOfTs);
        assertEquals(222, second.ingestMs);
        Map<String, String> f = fields(second);
        assertEquals("1", f.get("views_1h"));
        assertEquals("1", f.get("carts_24h"));
        assertEquals("[\"c1\"]", f.get("top_categories"));
        assertEquals("[1.0]", f.get("top_category_shares"));
        assertEquals("[\"i2\",\"i1\"]", f.get("recent_items"));
        assertEquals(Long.toString(T0 + 60_000), f.get("last_active"), "epoch ms");
        assertEquals("2", f.get("events_total"));
        assertEquals("new", f.get("activity_level"));
        assertEquals("unknown", f.get("price_band"));
        assertEquals(null, f.get("price_typical"));
        assertEquals(null, f.get("top_brands"));
        assertEquals(null, f.get("top_shops"));
    }

    @Test
    void publishesPriceBrandAndShopProfile() throws Exception {
        open(false);
        publishesPriceBrandAndShopProfileThroughState();
    }

    /** The new profile fields survive the RocksDB backend's serializer (POJOs, Kryo disabled). */
    @Test
    void publishesPriceBrandAndShopProfileOnRocksDb() throws Exception {
        open(true);
        publishesPriceBrandAndShopProfileThroughState();
    }

    private void publishesPriceBrandAndShopProfileThroughState() throws Exception {
        for (int i = 0; i < 6; i++) {
            Event e = event(T0 + i * 60_000, "u1", i < 3 ? EventType.VIEW : EventType.CART, "i" + i, "c1", 0);
            e.price = i < 3 ? 150.0 : 250.0;
            e.brand = i % 2 == 0 ? "acme" : "zeta";
            e.shop = "s1";
            process(e);
        }

        Map<String, String> f = fields(harness.extractOutputValues().get(5));
        assertEquals("active", f.get("activity_level"), "6 events, all in the last hour");
        assertEquals("high", f.get("price_band"));
        // weights 1, 1, 1, 3, 3, 3: exp((3 ln 150 + 9 ln 250) / 12) = 220.03
        assertEquals("220.0", f.get("price_typical"));
        assertEquals("0.221", f.get("price_spread"));
        // acme: view, view, cart = 5; zeta: view, cart, cart = 7; 7/12 = 0.5833, zeta a little more recent
        assertEquals("[\"zeta\",\"acme\"]", f.get("top_brands"));
        assertEquals("[0.5834,0.4166]", f.get("top_brand_shares"));
        assertEquals("[\"s1\"]", f.get("top_shops"));
        assertEquals("[1.0]", f.get("top_shop_shares"));
        assertEquals(Long.toString(T0 + 5 * 60_000), f.get("last_active"));
    }

    @Test
    void usersAreKeptApart() throws Exception {
        open(false);

        process(event(T0, "u1", EventType.VIEW, "i1", null, 0));
        process(event(T0 + 1, "u2", EventType.PURCHASE, "i9", null, 0));
        process(event(T0 + 2, "u1", EventType.VIEW, "i2", null, 0));

        List<StoreWrite> out = harness.extractOutputValues();
        assertEquals(List.of("u1", "u2", "u1"), out.stream().map(w -> w.id).toList());
        assertEquals(List.of(1L, 1L, 2L), out.stream().map(w -> w.version).toList());
        assertEquals("0", fields(out.get(1)).get("views_24h"));
        assertEquals("1", fields(out.get(1)).get("purchases_24h"));
        assertEquals("[\"i9\"]", fields(out.get(1)).get("recent_items"));
        assertEquals(2, harness.numKeyedStateEntries());
    }

    @Test
    void outOfOrderEventIsPublishedAsOfTheLatestActivity() throws Exception {
        open(false);

        process(event(T0 + 10 * 60_000, "u1", EventType.VIEW, "i1", null, 0));
        process(event(T0 + 9 * 60_000, "u1", EventType.VIEW, "i2", null, 0));

        StoreWrite last = harness.extractOutputValues().get(1);
        assertEquals(T0 + 10 * 60_000, last.asOfTs);
        assertEquals("2", fields(last).get("views_1h"));
    }

    @Test
    void stateLivesWhileWrittenWithinTheTtl() throws Exception {
        open(false);

        harness.setStateTtlProcessingTime(1_000);
        process(event(T0, "u1", EventType.VIEW, "i1", null, 0));
        harness.setStateTtlProcessingTime(1_000 + TTL_MS - 1);
        process(event(T0 + 1, "u1", EventType.VIEW, "i2", null, 0)); // refreshes the TTL (written on every event)
        harness.setStateTtlProcessingTime(1_000 + 2 * TTL_MS - 2);
        process(event(T0 + 2, "u1", EventType.VIEW, "i3", null, 0));

        StoreWrite last = harness.extractOutputValues().get(2);
        assertEquals(3, last.version);
        assertEquals("3", fields(last).get("events_total"));
    }

    @Test
    void expiredStateIsNeverReturned() throws Exception {
        open(false);
        expiredStateBehavesAsANewUser();
    }

    /** The same, on the RocksDB backend the job runs with (compaction-filter cleanup configured). */
    @Test
    void expiredStateIsNeverReturnedOnRocksDb() throws Exception {
        open(true);
        expiredStateBehavesAsANewUser();
    }

    private void expiredStateBehavesAsANewUser() throws Exception {
        harness.setStateTtlProcessingTime(1_000);
        process(event(T0, "u1", EventType.VIEW, "i1", "c1", 0));
        process(event(T0 + 1, "u1", EventType.CART, "i2", "c1", 0));

        harness.setStateTtlProcessingTime(1_000 + TTL_MS); // last write + TTL: expired
        process(event(T0 + 2, "u1", EventType.VIEW, "i3", null, 0));

        StoreWrite afterExpiry = harness.extractOutputValues().get(2);
        assertEquals(1, afterExpiry.version, "the profile starts over");
        Map<String, String> f = fields(afterExpiry);
        assertEquals("1", f.get("events_total"));
        assertEquals("0", f.get("carts_24h"));
        assertEquals("[]", f.get("top_categories"));
        assertEquals("[]", f.get("top_category_shares"));
        assertEquals("new", f.get("activity_level"));
        assertEquals("[\"i3\"]", f.get("recent_items"));
    }

    @Test
    void fieldNamesAndValuesAreAligned() throws Exception {
        open(false);
        process(event(T0, "u1", EventType.SEARCH, null, null, 0));

        StoreWrite w = harness.extractOutputValues().get(0);
        assertEquals(w.fieldNames.length, w.fieldValues.length);
        assertEquals("1", fields(w).get("searches_1h"));
        w.validate(); // what the Redis writer checks again
    }

    private void process(Event e) throws Exception {
        harness.processElement(e, e.ts);
    }

    static Event event(long ts, String user, EventType type, String item, String category, long ingestMs) {
        Event e = new Event(ts, type, user, item, category);
        if (type == EventType.SEARCH) e.query = "q";
        e.ingestMs = ingestMs;
        return e;
    }

    static Map<String, String> fields(StoreWrite w) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < w.fieldNames.length; i++) {
            m.put(w.fieldNames[i], w.fieldValues[i]);
        }
        return m;
    }
}

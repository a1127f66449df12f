package io.shoprank.job.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.job.events.CatalogItem;
import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventType;
import io.shoprank.store.StoreWrite;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The item-features operator (events on input 1, catalog on input 2) in a keyed two-input harness. */
class ItemFeaturesFunctionTest {

    private static final long T0 = UserProfileTest.T0;
    private static final long MIN = 60_000;
    private static final Duration STATE_TTL = Duration.ofHours(1);
    private static final Duration REDIS_TTL = Duration.ofDays(7);
    private static final Duration HALF_LIFE = Duration.ofHours(6);
    private static final double HALF_LIFE_MS = HALF_LIFE.toMillis();

    private KeyedTwoInputStreamOperatorTestHarness<String, Event, CatalogItem, StoreWrite> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new ItemFeaturesFunction(STATE_TTL, REDIS_TTL, HALF_LIFE)),
                e -> e.item, c -> c.item, Types.STRING);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void eventPublishesTheItemsFeaturesAndItsPopularity() throws Exception {
        event(T0, EventType.PURCHASE, "i1", "shoes", 42);

        List<StoreWrite> out = harness.extractOutputValues();
        assertEquals(1, out.size());
        StoreWrite w = out.get(0);
        assertEquals(StoreWrite.Kind.ITEM_FEATURES, w.kind);
        assertEquals("i1", w.id);
        assertEquals(1, w.version);
        assertEquals(T0, w.asOfTs);
        assertEquals(REDIS_TTL.toMillis(), w.ttlMs);
        assertEquals(42, w.ingestMs);
        Map<String, String> f = UserFeaturesFunctionTest.fields(w);
        assertEquals("1", f.get("purchases_1h"));
        assertEquals("4.0", f.get("popularity"));
        assertEquals("shoes", f.get("category"));

        List<ItemScore> scores = scores();
        assertEquals(1, scores.size());
        ItemScore s = scores.get(0);
        assertEquals("i1", s.item);
        assertEquals("shoes", s.category);
        assertEquals(T0, s.ts);
        assertEquals(4.0, DecayedScores.valueAt(s.popularityKey, T0, HALF_LIFE_MS), 1e-9);
    }

    @Test
    void scoresAccumulatePerItem() throws Exception {
        event(T0, EventType.VIEW, "i1", null, 0);
        event(T0, EventType.CART, "i1", null, 0);
        event(T0, EventType.VIEW, "i2", null, 0);

        List<ItemScore> scores = scores();
        assertEquals(List.of("i1", "i1", "i2"), scores.stream().map(s -> s.item).collect(Collectors.toList()));
        assertEquals(4.0, DecayedScores.valueAt(scores.get(1).popularityKey, T0, HALF_LIFE_MS), 1e-9);
        assertEquals(1.0, DecayedScores.valueAt(scores.get(2).popularityKey, T0, HALF_LIFE_MS), 1e-9);
        assertEquals(List.of(1L, 2L, 1L), harness.extractOutputValues().stream().map(w -> w.version)
                .collect(Collectors.toList()));
    }

    @Test
    void catalogUpdatesTitleAndBumpsTheVersionWithoutAScore() throws Exception {
        event(T0, EventType.VIEW, "i1", "from-event", 0);

        catalog(T0 - 5 * MIN, "i1", "Red Shoes", "shoes");

        List<StoreWrite> out = harness.extractOutputValues();
        assertEquals(2, out.size());
        StoreWrite w = out.get(1);
        assertEquals(2, w.version);
        assertEquals(T0, w.asOfTs, "as of the later of the last event and the catalog record");
        assertEquals(0, w.ingestMs);
        Map<String, String> f = UserFeaturesFunctionTest.fields(w);
        assertEquals("Red Shoes", f.get("title"));
        assertEquals("shoes", f.get("category"), "the catalog is the authority");
        assertEquals("1", f.get("views_1h"), "counts are kept");
        assertEquals(1, scores().size(), "a catalog record is no popularity signal");

        event(T0 + MIN, EventType.VIEW, "i1", "from-event", 0);
        assertEquals("shoes", scores().get(1).category, "the trending stage gets the catalog's category");
    }

    @Test
    void stockChangesReachTheTrendingStageAtOnceAndEventsCarryTheFlag() throws Exception {
        event(T0, EventType.VIEW, "i1", "shoes", 0);
        assertTrue(scores().get(0).inStock, "no catalog word: in stock");

        stock(T0 + 1, "i1", false);
        assertEquals(2, scores().size(), "going out of stock is sent without waiting for an event");
        ItemScore out = scores().get(1);
        assertFalse(out.inStock);
        assertEquals(scores().get(0).popularityKey, out.popularityKey, 0.0);
        assertEquals(T0 + 1, out.ts);

        event(T0 + 2, EventType.CART, "i1", "shoes", 0);
        assertFalse(scores().get(2).inStock, "events of an out-of-stock item keep it out");
        stock(T0 + 3, "i1", false);
        assertEquals(3, scores().size(), "no change, nothing sent");

        stock(T0 + 4, "i1", true);
        assertTrue(scores().get(3).inStock, "back in stock, with its popularity");
        assertEquals(scores().get(2).popularityKey, scores().get(3).popularityKey, 0.0);

        stock(T0 + 5, "new", false);
        assertEquals(4, scores().size(), "an item without events has no popularity to send");
    }

    @Test
    void catalogRecordForANewItemPublishesItsAttributes() throws Exception {
        catalog(T0, "i7", "Blue Hat", "hats");

        StoreWrite w = harness.extractOutputValues().get(0);
        assertEquals("i7", w.id);
        assertEquals(1, w.version);
        assertEquals(T0, w.asOfTs);
        Map<String, String> f = UserFeaturesFunctionTest.fields(w);
        assertEquals("Blue Hat", f.get("title"));
        assertEquals("0", f.get("views_24h"));
        assertEquals("0", f.get("last_event"));
        assertEquals(0.02, Double.parseDouble(f.get("conversion_rate")), 1e-12);
        assertTrue(scores().isEmpty());
    }

    @Test
    void outOfOrderEventDoesNotTakeCountsOrTimeBack() throws Exception {
        event(T0 + 5 * MIN, EventType.VIEW, "i1", null, 0);       // first 5-minute bucket after T0
        event(T0 + 5 * MIN - 30_000, EventType.VIEW, "i1", null, 0); // 30 s earlier, previous bucket

        List<StoreWrite> out = harness.extractOutputValues();
        StoreWrite second = out.get(1);
        assertEquals(2, second.version);
        assertEquals(T0 + 5 * MIN, second.asOfTs, "a newer version must not be older in event time");
        assertEquals("2", UserFeaturesFunctionTest.fields(second).get("views_1h"),
                "both views are in the last hour; the newer one must not drop out");
        assertEquals(Long.toString(T0 + 5 * MIN), UserFeaturesFunctionTest.fields(second).get("last_event"));
    }

    @Test
    void expiredItemStartsOver() throws Exception {
        harness.setStateTtlProcessingTime(0);
        catalog(T0, "i1", "Red Shoes", "shoes");
        event(T0, EventType.VIEW, "i1", null, 0);
        harness.setStateTtlProcessingTime(STATE_TTL.toMillis() - 1);
        event(T0 + 1, EventType.VIEW, "i1", null, 0);
        assertEquals(3, harness.extractOutputValues().get(2).version, "still alive one ms before the TTL");

        harness.setStateTtlProcessingTime(2 * STATE_TTL.toMillis() - 1); // last write + TTL
        event(T0 + 2, EventType.VIEW, "i1", null, 0);

        StoreWrite w = harness.extractOutputValues().get(3);
        assertEquals(1, w.version);
        Map<String, String> f = UserFeaturesFunctionTest.fields(w);
        assertFalse(f.containsKey("title"), "the catalog attributes expired with the profile");
        assertEquals("1", f.get("views_24h"));
        assertEquals(1.0, DecayedScores.valueAt(scores().get(2).popularityKey, T0 + 2, HALF_LIFE_MS), 1e-9);
    }

    private void event(long ts, EventType type, String item, String category, long ingestMs) throws Exception {
        Event e = new Event(ts, type, "u1", item, category);
        e.ingestMs = ingestMs;
        harness.processElement1(e, ts);
    }

    private void catalog(long ts, String item, String title, String category) throws Exception {
        CatalogItem c = new CatalogItem();
        c.ts = ts;
        c.item = item;
        c.title = title;
        c.category = category;
        harness.processElement2(c, ts);
    }

    private void stock(long ts, String item, boolean inStock) throws Exception {
        CatalogItem c = new CatalogItem();
        c.ts = ts;
        c.item = item;
        c.inStock = inStock;
        harness.processElement2(c, ts);
    }

    private List<ItemScore> scores() {
        var side = harness.getSideOutput(ItemFeaturesFunction.SCORES);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }
}

package io.shoprank.job.republish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shoprank.job.JobConfig;
import io.shoprank.job.covisit.CoVisitMessage;
import io.shoprank.job.covisit.CoVisitationFunction;
import io.shoprank.job.covisit.ItemCoVisitMeta;
import io.shoprank.job.covisit.Touch;
import io.shoprank.job.events.CatalogItem;
import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventType;
import io.shoprank.job.features.DecayedScores;
import io.shoprank.job.features.ItemFeaturesFunction;
import io.shoprank.job.features.ItemProfile;
import io.shoprank.job.features.UserFeaturesFunction;
import io.shoprank.job.features.UserProfile;
import io.shoprank.job.ranking.RecommendFunction;
import io.shoprank.job.ranking.UserRanking;
import io.shoprank.job.trending.TrendingBoard;
import io.shoprank.job.trending.TrendingFunction;
import io.shoprank.job.trending.TrendingList;
import io.shoprank.store.StoreWrite;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * What RepublishJob writes for a key is what the job last wrote for it: each stateful operator runs in a harness
 * on RocksDB (so state goes through the job's serializers, Kryo disabled), then the publishing function applied to
 * the state it left must give the operator's last write for the key, field for field (but {@code ingestMs},
 * which a republication leaves 0), including in the cases where the state moved on after the last write.
 */
class RepublishFromStateTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long MIN = 60_000;
    private static final Duration STATE_TTL = Duration.ofHours(1);
    private static final Duration REDIS_TTL = Duration.ofDays(7);
    private static final Duration HALF_LIFE = Duration.ofHours(6);

    @Test
    void userFeaturesAreTheLastPublishedHash() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Event, StoreWrite> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new UserFeaturesFunction(STATE_TTL, REDIS_TTL)), e -> e.user, Types.STRING)) {
            open(h);
            h.processElement(new Event(T0, EventType.VIEW, "u1", "i1", "c1"), T0);
            h.processElement(new Event(T0 + MIN, EventType.CART, "u1", "i2", "c2"), T0 + MIN);
            h.processElement(new Event(T0 + 2 * MIN, EventType.SEARCH, "u1", null, null), T0 + 2 * MIN);

            UserProfile p = state(h, "u1", UserFeaturesFunction.profileDescriptor(STATE_TTL));
            assertRepublishes(last(h.extractOutputValues(), "u1"), UserFeaturesFunction.write("u1", p, REDIS_TTL.toMillis()));
        }
    }

    @Test
    void itemFeaturesKeepTheAsOfTimeOfALaterCatalogUpsert() throws Exception {
        try (KeyedTwoInputStreamOperatorTestHarness<String, Event, CatalogItem, StoreWrite> h =
                     new KeyedTwoInputStreamOperatorTestHarness<>(
                             new KeyedCoProcessOperator<>(new ItemFeaturesFunction(STATE_TTL, REDIS_TTL, HALF_LIFE)),
                             e -> e.item, c -> c.item, Types.STRING)) {
            open(h);
            h.processElement1(new Event(T0, EventType.PURCHASE, "u1", "i1", "shoes"), T0);
            h.processElement1(new Event(T0 + MIN, EventType.VIEW, "u2", "i1", "shoes"), T0 + MIN);
            CatalogItem c = new CatalogItem();
            c.ts = T0 + 90 * MIN; // the windows of the published hash end here, not at the latest event
            c.item = "i1";
            c.title = "Red Shoes";
            h.processElement2(c, c.ts);

            StoreWrite published = last(h.extractOutputValues(), "i1");
            assertEquals(T0 + 90 * MIN, published.asOfTs);
            ItemProfile p = state(h, "i1", ItemFeaturesFunction.profileDescriptor(STATE_TTL));
            assertRepublishes(published, ItemFeaturesFunction.write("i1", p, HALF_LIFE.toMillis(), REDIS_TTL.toMillis()));

            p.publishedAsOf = 0; // state from before the field: as of the latest event
            assertEquals(T0 + MIN, ItemFeaturesFunction.write("i1", p, HALF_LIFE.toMillis(), REDIS_TTL.toMillis()).asOfTs);
        }
    }

    @Test
    void similarItemsAreThePublishedListEvenAfterPairUpdatesReorderedTheTable() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, CoVisitMessage, Touch> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new CoVisitationFunction(5, 2, STATE_TTL, REDIS_TTL, HALF_LIFE)),
                m -> m.item, Types.STRING)) {
            open(h);
            h.processElement(CoVisitMessage.pairs("i1", new String[] {"a", "b"}, new double[] {3, 2}), T0);
            Event e = new Event(T0 + MIN, EventType.VIEW, "u1", "i1", null);
            h.processElement(CoVisitMessage.touch(e, 1, 0, new String[0], new double[0]), e.ts);
            // pair updates from other users' sequences: the table's top is now c, a, but nothing was published
            h.processElement(CoVisitMessage.pairs("i1", new String[] {"c"}, new double[] {10}), T0 + 2 * MIN);
            h.processElement(CoVisitMessage.pairs("i2", new String[] {"a"}, new double[] {1}), T0 + 2 * MIN);

            List<StoreWrite> similar = h.getSideOutput(CoVisitationFunction.SIMILAR).stream()
                    .map(StreamRecord::getValue).collect(Collectors.toList());
            assertEquals(1, similar.size());
            StoreWrite published = similar.get(0);
            assertArrayEquals(new String[] {"a", "b"}, published.items);
            ItemCoVisitMeta md = state(h, "i1", CoVisitationFunction.metaDescriptor(STATE_TTL));
            assertRepublishes(published, CoVisitationFunction.similarWrite("i1", md, REDIS_TTL.toMillis()));

            ItemCoVisitMeta pairsOnly = state(h, "i2", CoVisitationFunction.metaDescriptor(STATE_TTL));
            assertEquals(0, pairsOnly.version, "an item that was never touched published nothing");
            assertNull(CoVisitationFunction.similarWrite("i2", pairsOnly, REDIS_TTL.toMillis()));
        }
    }

    @Test
    void recommendationsAreTheLastPublishedListIncludingARebuild() throws Exception {
        JobConfig config = new JobConfig();
        config.k = 3;
        config.seedItems = 2;
        config.maxSeenItems = 10;
        config.maxNeighbours = 10;
        config.trendingSize = 10;
        config.trendingHalfLife = HALF_LIFE;
        config.stateTtl = STATE_TTL;
        config.redisTtl = REDIS_TTL;
        try (KeyedOneInputStreamOperatorTestHarness<String, Touch, StoreWrite> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new RecommendFunction(config)), t -> t.event.user, Types.STRING)) {
            open(h);
            h.setProcessingTime(1_000);
            h.processElement(touch("u1", "i1", new String[] {"a"}, new double[] {1}, 1), T0);
            for (String hot : new String[] {"t1", "t2", "t3"}) { // other users put popular items on the board
                h.processElement(touch("fan-" + hot, hot, new String[] {"n1", "n2", "n3"}, new double[] {3, 2, 1}, 30), T0);
            }
            h.setProcessingTime(1_500); // the short list of u1 is rebuilt, fuller: that is what Redis holds

            StoreWrite published = last(h.extractOutputValues(), "u1");
            assertEquals(1_001, published.version);
            assertArrayEquals(new String[] {"a", "t1", "t2"}, published.items);
            UserRanking u = state(h, "u1", RecommendFunction.rankingDescriptor(STATE_TTL));
            assertArrayEquals(new String[] {"a"}, u.served, "the served list stays the one of the event");
            assertRepublishes(published, RecommendFunction.listWrite("u1", u, REDIS_TTL.toMillis(), JobConfig.Exclude.SEEN));

            u.listItems = null; // state from before the kept list: nothing to republish
            assertNull(RecommendFunction.listWrite("u1", u, REDIS_TTL.toMillis(), JobConfig.Exclude.SEEN));
        }
    }

    @Test
    void trendingListsAreTheBoardAsTheStageRepublishesItAfterARestore() {
        TrendingBoard board = new TrendingBoard(3, 2);
        board.update("a", "shoes", DecayedScores.add(DecayedScores.EMPTY, 5, T0, HALF_LIFE.toMillis()), T0);
        board.update("b", "hats", DecayedScores.add(DecayedScores.EMPTY, 3, T0 + MIN, HALF_LIFE.toMillis()), T0 + MIN);
        board.update("c", "shoes", DecayedScores.add(DecayedScores.EMPTY, 4, T0 + 2 * MIN, HALF_LIFE.toMillis()), T0 + 2 * MIN);
        List<TrendingList> published = board.drain(T0 + 2 * MIN, HALF_LIFE.toMillis(), 7);

        List<TrendingList> republished = TrendingFunction.restoredLists(board.entries(), List.of(6L, 7L), 3, 2, HALF_LIFE);

        assertEquals(published.size(), republished.size(), "the global list and every category's");
        for (int i = 0; i < published.size(); i++) {
            StoreWrite want = published.get(i).toStoreWrite(REDIS_TTL.toMillis());
            StoreWrite got = republished.get(i).toStoreWrite(REDIS_TTL.toMillis());
            assertEquals(want, got, "at the checkpointed version 7, scored at the board's latest event");
        }
        assertEquals(StoreWrite.Kind.TRENDING, republished.get(0).toStoreWrite(0).kind);
        assertEquals(StoreWrite.Kind.CATEGORY_TRENDING, republished.get(1).toStoreWrite(0).kind);
        assertFalse(TrendingFunction.restoredLists(List.of(), List.of(), 3, 2, HALF_LIFE).iterator().hasNext(),
                "an empty board publishes nothing");
    }

    private static void open(AbstractStreamOperatorTestHarness<?> h) throws Exception {
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.open();
    }

    /** The value of {@code d} for {@code key}, read back from the operator's keyed state backend. */
    private static <T> T state(AbstractStreamOperatorTestHarness<?> h, String key, ValueStateDescriptor<T> d)
            throws Exception {
        KeyedStateBackend<String> backend = ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
        backend.setCurrentKey(key);
        ValueState<T> s = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, d);
        T value = s.value();
        assertNotNull(value, "state of " + key);
        return value;
    }

    private static StoreWrite last(List<StoreWrite> writes, String id) {
        StoreWrite last = null;
        for (StoreWrite w : writes) {
            if (w.id.equals(id)) last = w;
        }
        assertNotNull(last, "a write for " + id);
        return last;
    }

    private static void assertRepublishes(StoreWrite published, StoreWrite republished) {
        assertNotNull(republished);
        assertEquals(0, republished.ingestMs, "a republication is not caused by an event");
        published.ingestMs = 0;
        assertEquals(published, republished);
    }

    /** A touch as the co-visitation stage sends it, carrying its item's popularity (worth {@code popularity} at T0). */
    private static Touch touch(String user, String item, String[] neighbours, double[] weights, double popularity) {
        Touch t = new Touch(new Event(T0, EventType.VIEW, user, item, null), 1, 0, neighbours, weights);
        t.itemPopularity = DecayedScores.add(DecayedScores.EMPTY, popularity, T0, HALF_LIFE.toMillis());
        return t;
    }
}

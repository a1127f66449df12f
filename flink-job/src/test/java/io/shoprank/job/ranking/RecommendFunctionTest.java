package io.shoprank.job.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.job.JobConfig;
import io.shoprank.job.covisit.Touch;
import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventType;
import io.shoprank.job.trending.TrendingList;
import io.shoprank.store.StoreWrite;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The user-keyed ranking stage with trending lists on the broadcast side. Published list versions are
 * {@code applied events * 1000 + rebuilds} (see UserRanking#version).
 */
class RecommendFunctionTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final double EPS = 1e-12;

    private RecommendFunction function;
    private KeyedBroadcastOperatorTestHarness<String, Touch, TrendingList, StoreWrite> harness;

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) harness.close();
    }

    private static JobConfig config(JobConfig.Exclude exclude) {
        JobConfig c = new JobConfig();
        c.k = 3;
        c.seedItems = 2;
        c.maxSeenItems = 10;
        c.maxNeighbours = 10;
        c.trendingSize = 10;
        c.exclude = exclude;
        c.stateTtl = Duration.ofHours(1);
        c.redisTtl = Duration.ofDays(7);
        return c;
    }

    private void open(JobConfig config) throws Exception {
        function = new RecommendFunction(config);
        harness = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(function, List.of(RecommendFunction.TRENDING)),
                t -> t.event.user, Types.STRING, 1, 1, 0);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        harness.open();
    }

    @Test
    void touchPublishesTheUsersList() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        Touch t = touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a", "b"}, new double[] {2, 1});
        t.event.ingestMs = 77;

        harness.processElement(t, t.event.ts);

        List<StoreWrite> out = harness.extractOutputValues();
        assertEquals(1, out.size());
        StoreWrite w = out.get(0);
        assertEquals(StoreWrite.Kind.RECOMMENDATIONS, w.kind);
        assertEquals("u1", w.id);
        assertEquals(1_000, w.version);
        assertEquals(t.event.ts, w.asOfTs);
        assertEquals(Duration.ofDays(7).toMillis(), w.ttlMs);
        assertEquals(77, w.ingestMs);
        assertArrayEquals(new String[] {"a", "b"}, w.items);
        assertArrayEquals(new double[] {2, 1}, w.scores, EPS);
        assertArrayEquals(new String[] {"viewed together with i1", "viewed together with i1"}, w.reasons);
    }

    @Test
    void touchesOutOfSequenceAreBufferedAndAppliedInOrder() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        Touch t0 = touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a", "b"}, new double[] {2, 1});
        Touch t1 = touch("u1", 1, 1, EventType.VIEW, "i2", null, new String[] {"c"}, new double[] {1});
        Touch t2 = touch("u1", 1, 2, EventType.VIEW, "i3", null, new String[] {"a"}, new double[] {5});

        harness.processElement(t2, t2.event.ts);
        harness.processElement(t1, t1.event.ts);
        assertTrue(harness.extractOutputValues().isEmpty(), "waiting for touch 0");
        assertEquals(2, keyedStateEntries(), "ranking and the non-empty reorder buffer");

        harness.processElement(t0, t0.event.ts);

        List<StoreWrite> out = harness.extractOutputValues();
        assertEquals(List.of(1_000L, 2_000L, 3_000L), versions(out));
        assertArrayEquals(new String[] {"a", "b"}, out.get(0).items);
        // seeds i2 (c=1), i1 (a=2/2, b=1/2): a tie keeps the first seen
        assertArrayEquals(new String[] {"c", "a", "b"}, out.get(1).items);
        // seeds i3 (a=5), i2 (c=1/2); i1 is no seed any more (2 seeds)
        assertArrayEquals(new String[] {"a", "c"}, out.get(2).items);
        assertArrayEquals(new double[] {5, 0.5}, out.get(2).scores, EPS);
        assertEquals(t2.event.ts, out.get(2).asOfTs);
        assertEquals(1, keyedStateEntries(), "the reorder buffer is emptied after use");
        assertEquals(2, counter("reordered"));
    }

    @Test
    void touchesAlreadyAppliedAreIgnored() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a"}, new double[] {1}), T0);
        harness.processElement(touch("u1", 1, 1, EventType.VIEW, "i2", null, new String[] {"b"}, new double[] {1}), T0);

        harness.processElement(touch("u1", 1, 1, EventType.VIEW, "i2", null, new String[] {"b"}, new double[] {1}), T0);
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a"}, new double[] {1}), T0);
        harness.processElement(touch("u1", 1, 2, EventType.VIEW, "i3", null, new String[] {"c"}, new double[] {1}), T0);

        assertEquals(List.of(1_000L, 2_000L, 3_000L), versions(harness.extractOutputValues()));
    }

    @Test
    void usersHaveTheirOwnSequences() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        harness.processElement(touch("u1", 1, 1, EventType.VIEW, "i2", null, new String[0], new double[0]), T0);

        harness.processElement(touch("u2", 9, 0, EventType.VIEW, "i1", null, new String[] {"a"}, new double[] {1}), T0);

        List<StoreWrite> out = harness.extractOutputValues();
        assertEquals(1, out.size(), "u1 still waits for its touch 0");
        assertEquals("u2", out.get(0).id);
    }

    @Test
    void aNewerEpochRestartsTheSequenceAndDropsTheOldBuffer() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        harness.processElement(touch("u1", 100, 0, EventType.VIEW, "i1", null, new String[] {"a"}, new double[] {1}), T0);
        harness.processElement(touch("u1", 100, 2, EventType.VIEW, "old", null, new String[] {"z"}, new double[] {9}), T0);
        harness.getOutput().clear();

        harness.processElement(touch("u1", 200, 0, EventType.VIEW, "i5", null, new String[] {"b"}, new double[] {1}), T0 + 1);
        harness.processElement(touch("u1", 200, 1, EventType.VIEW, "i6", null, new String[] {"c"}, new double[] {1}), T0 + 2);

        List<StoreWrite> out = harness.extractOutputValues();
        assertEquals(List.of(1_000L, 2_000L), versions(out), "the buffered touch of epoch 100 must not be applied");
        assertArrayEquals(new String[] {"b"}, out.get(0).items, "nothing of the old sequence is left");
        assertArrayEquals(new String[] {"c", "b"}, out.get(1).items);

        harness.processElement(touch("u1", 100, 1, EventType.VIEW, "late", null, new String[] {"y"}, new double[] {1}), T0);
        harness.processElement(touch("u1", 200, 2, EventType.VIEW, "i7", null, new String[] {"d"}, new double[] {1}), T0 + 3);
        out = harness.extractOutputValues();
        assertEquals(List.of(1_000L, 2_000L, 3_000L), versions(out), "a touch of the superseded epoch is dropped");
        assertArrayEquals(new String[] {"d", "c"}, out.get(2).items);
    }

    @Test
    void aMissingTouchIsSkippedOnceTheBufferOverflows() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        for (long seq = 1; seq <= RecommendFunction.MAX_PENDING; seq++) {
            harness.processElement(touch("u1", 1, seq, EventType.VIEW, "i" + seq, null, new String[0], new double[0]), T0);
        }
        assertTrue(harness.extractOutputValues().isEmpty());

        long last = RecommendFunction.MAX_PENDING + 1;
        harness.processElement(touch("u1", 1, last, EventType.VIEW, "i" + last, null, new String[0], new double[0]), T0);

        List<Long> versions = versions(harness.extractOutputValues());
        assertEquals(RecommendFunction.MAX_PENDING + 1, versions.size(), "everything from touch 1 on is applied");
        assertEquals(2_000L, versions.get(0));
        assertEquals((last + 1) * 1_000, versions.get(versions.size() - 1));
        assertEquals(1, counter("gaps"));
        assertEquals(1, keyedStateEntries(), "buffer emptied");
    }

    @Test
    void broadcastTrendingFillsTheList() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        harness.processBroadcastElement(trending("", 1, "t1", "t2", "t3", "t4"), 0);

        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[0], new double[0]), T0);

        StoreWrite w = harness.extractOutputValues().get(0);
        assertArrayEquals(new String[] {"t1", "t2", "t3"}, w.items);
        assertArrayEquals(new String[] {"popular now", "popular now", "popular now"}, w.reasons);
        assertEquals(0, harness.numProcessingTimeTimers(), "a full list needs no rebuild");
    }

    @Test
    void theUsersCategoriesComeBeforeGlobalTrending() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        harness.processBroadcastElement(trending("", 1, "t1", "t2", "t3"), 0);
        harness.processBroadcastElement(trending("shoes", 1, "s1"), 0);

        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", "shoes", new String[0], new double[0]), T0);

        StoreWrite w = harness.extractOutputValues().get(0);
        assertArrayEquals(new String[] {"s1", "t1", "t2"}, w.items);
        assertArrayEquals(new String[] {"popular in shoes", "popular now", "popular now"}, w.reasons);
    }

    @Test
    void anOlderTrendingVersionDoesNotReplaceANewerOne() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        harness.processBroadcastElement(trending("", 2, "new1", "new2", "new3"), 0);
        harness.processBroadcastElement(trending("", 1, "old1", "old2", "old3"), 0);

        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[0], new double[0]), T0);

        assertArrayEquals(new String[] {"new1", "new2", "new3"}, harness.extractOutputValues().get(0).items);
        assertEquals(2, harness.getBroadcastState(RecommendFunction.TRENDING).get("").version);
    }

    @Test
    void shortListIsRebuiltOnceTrendingArrives() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        harness.setProcessingTime(1_000);
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a"}, new double[] {1}), T0);
        assertEquals(1, harness.numProcessingTimeTimers());

        harness.processBroadcastElement(trending("", 1, "t1", "t2", "t3"), 0);
        harness.setProcessingTime(1_000 + 500);

        List<StoreWrite> out = harness.extractOutputValues();
        assertEquals(List.of(1_000L, 1_001L), versions(out));
        assertArrayEquals(new String[] {"a", "t1", "t2"}, out.get(1).items);
        assertEquals(T0, out.get(1).asOfTs);
        assertEquals(0, out.get(1).ingestMs, "a rebuild is not caused by an event");
        assertEquals(0, harness.numProcessingTimeTimers(), "full now: no more rebuilds");
    }

    @Test
    void rebuildsOfAListThatStaysShortAreBounded() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        harness.setProcessingTime(0);
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a"}, new double[] {1}), T0);

        for (long t = 500; t <= 30 * 500; t += 500) {
            harness.setProcessingTime(t);
        }

        List<Long> versions = versions(harness.extractOutputValues());
        assertEquals(1 + 20, versions.size());
        assertEquals(1_020L, versions.get(versions.size() - 1));
        assertEquals(0, harness.numProcessingTimeTimers());
    }

    @Test
    void excludeSeenDropsEveryItemTheUserTouched() throws Exception {
        open(config(JobConfig.Exclude.SEEN));

        List<StoreWrite> out = seenThenBoughtScenario();

        assertArrayEquals(new String[] {"y", "x"}, out.get(1).items);
        assertArrayEquals(new String[] {"y"}, out.get(2).items);
    }

    @Test
    void excludeBoughtDropsOnlyPurchasedItems() throws Exception {
        open(config(JobConfig.Exclude.BOUGHT));

        List<StoreWrite> out = seenThenBoughtScenario();

        // i1 was only viewed: it may come back
        assertArrayEquals(new String[] {"i1", "y", "x"}, out.get(1).items);
        assertArrayEquals(new double[] {3, 2, 0.5}, out.get(1).scores, EPS);
        // once bought it may not
        assertArrayEquals(new String[] {"y"}, out.get(2).items);
    }

    private List<StoreWrite> seenThenBoughtScenario() throws Exception {
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"x"}, new double[] {1}), T0);
        harness.processElement(touch("u1", 1, 1, EventType.VIEW, "i2", null,
                new String[] {"i1", "y"}, new double[] {3, 2}), T0 + 1);
        harness.processElement(touch("u1", 1, 2, EventType.PURCHASE, "i1", null, new String[0], new double[0]), T0 + 2);
        List<StoreWrite> out = harness.extractOutputValues();
        assertEquals(3, out.size());
        return out;
    }

    @Test
    void testThenTrainCountsTargetsAndHitsAgainstTheServedList() throws Exception {
        open(config(JobConfig.Exclude.SEEN));

        // first event: no list was served before it, so it is no target
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a", "b"}, new double[] {2, 1}), T0);
        assertEquals(0, counter("targets"));
        // a was served: a hit
        harness.processElement(touch("u1", 1, 1, EventType.VIEW, "a", null, new String[0], new double[0]), T0 + 1);
        // z was not served: a miss
        harness.processElement(touch("u1", 1, 2, EventType.VIEW, "z", null, new String[0], new double[0]), T0 + 2);
        // i1 again: already seen, no target
        harness.processElement(touch("u1", 1, 3, EventType.VIEW, "i1", null, new String[0], new double[0]), T0 + 3);

        assertEquals(2, counter("targets"));
        assertEquals(1, counter("hits"));
        assertEquals(4, harness.extractOutputValues().size());
    }

    @Test
    void expiredRankingStartsOverForANewSequence() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        long ttl = Duration.ofHours(1).toMillis();
        harness.setStateTtlProcessingTime(0);
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a"}, new double[] {1}), T0);
        harness.processElement(touch("u1", 1, 1, EventType.VIEW, "a", null, new String[] {"i1"}, new double[] {1}), T0);

        harness.setStateTtlProcessingTime(ttl);
        harness.processElement(touch("u1", 2, 0, EventType.VIEW, "b", null, new String[] {"i1", "a"}, new double[] {2, 1}), T0);

        StoreWrite w = harness.extractOutputValues().get(2);
        assertEquals(1_000, w.version);
        assertArrayEquals(new String[] {"i1", "a"}, w.items, "nothing is excluded: the user's history expired");
    }

    /** Keyed state entries on the heap backend: one per (state, user) holding a value or a non-empty map. */
    private int keyedStateEntries() {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    private List<Long> versions(List<StoreWrite> out) {
        return out.stream().map(w -> w.version).collect(Collectors.toList());
    }

    /** Reads one of the function's metric counters (a SimpleCounter in the harness's unregistered metric group). */
    private long counter(String field) throws Exception {
        Field f = RecommendFunction.class.getDeclaredField(field);
        f.setAccessible(true);
        return ((Counter) f.get(function)).getCount();
    }

    private static Touch touch(String user, long epoch, long seq, EventType type, String item, String category,
                               String[] neighbours, double[] weights) {
        Event e = new Event(T0 + seq, type, user, item, category);
        return new Touch(e, epoch, seq, neighbours, weights);
    }

    private static TrendingList trending(String category, long version, String... items) {
        double[] scores = new double[items.length];
        for (int i = 0; i < items.length; i++) scores[i] = 100 - i;
        return new TrendingList(category, items, scores, version, 0);
    }
}

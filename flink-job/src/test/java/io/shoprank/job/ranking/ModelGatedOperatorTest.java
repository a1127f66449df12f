package io.shoprank.job.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.job.JobConfig;
import io.shoprank.job.covisit.Touch;
import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventType;
import io.shoprank.job.features.DecayedScores;
import io.shoprank.job.model.ModelDelta;
import io.shoprank.job.model.ModelReplica;
import io.shoprank.job.model.embedding.EmbeddingRow;
import io.shoprank.job.stock.OutOfStock;
import io.shoprank.job.stock.StockChange;
import io.shoprank.store.StoreWrite;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ranking operator gated on model versions. Epochs are 1 s here. A touch at T0 (an epoch boundary) is
 * scored with the model of epoch {@code T0/1000 - 2} ({@link #REQUIRED_EPOCH}) and may be processed once the
 * model input's watermark reaches the end of that epoch, {@code T0 - 1001} ({@link #NEEDED}).
 *
 * <p>Harness: input 1 (touches) keyed by user; input 2 (model deltas) with a null key selector, as in the
 * job: {@code ConnectedStreams.transform} sets a state key selector only for a keyed input, and the deltas
 * come broadcast, not keyed. With a null selector {@code setKeyContextElement2} leaves the key context alone,
 * which is right: {@code processElement2} only queues the delta on the replica, no keyed state involved.
 * (A constant key selector would work too, but would route the deltas through a key group of its own that the
 * job never has.)
 *
 * <p>The model deltas carry embedding rows with zero vectors and a bias: with no row for the user's own items
 * the user vector is zero, so the embedding source proposes the items by bias, and which items it proposes
 * shows which deltas the replica has applied.
 */
class ModelGatedOperatorTest {

    private static final long EPOCH_MS = 1_000;
    private static final long T0 = 1_700_000_000_000L;
    private static final long REQUIRED_EPOCH = T0 / EPOCH_MS - 2;
    private static final long NEEDED = T0 - EPOCH_MS - 1;
    private static final int DIM = 4;
    private static final String SIMILAR = "similar to items you viewed";

    private final List<KeyedTwoInputStreamOperatorTestHarness<String, Touch, RankingUpdate, StoreWrite>> opened =
            new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (var h : opened) h.close();
    }

    @Test
    void theRequiredWatermarkIsTheEndOfTheEpochTwoBefore() {
        assertEquals(REQUIRED_EPOCH, ModelScoring.requiredEpoch(T0, EPOCH_MS));
        assertEquals(REQUIRED_EPOCH, ModelScoring.requiredEpoch(T0 + EPOCH_MS - 1, EPOCH_MS));
        assertEquals(REQUIRED_EPOCH + 1, ModelScoring.requiredEpoch(T0 + EPOCH_MS, EPOCH_MS));
        assertEquals(NEEDED, ModelScoring.requiredModelWatermark(T0, EPOCH_MS));
        assertEquals(NEEDED, ModelScoring.requiredModelWatermark(T0 + EPOCH_MS - 1, EPOCH_MS));
        assertEquals(NEEDED + EPOCH_MS, ModelScoring.requiredModelWatermark(T0 + EPOCH_MS, EPOCH_MS));
        assertEquals(-3, ModelScoring.requiredEpoch(-1, EPOCH_MS), "floor division before 1970");
    }

    @Test
    void aTouchWaitsForTheModelAndEverythingBehindItWaitsInOrder() throws Exception {
        Gate g = open(config());
        g.h.processWatermark2(new Watermark(NEEDED - 1));

        g.h.processElement1(touch("u1", 0, "i1", T0), T0);
        // ready by itself (needs the model watermark at T0 - 6001), but behind u1's touch
        g.h.processElement1(touch("u2", 0, "j1", T0 - 5 * EPOCH_MS), T0 - 5 * EPOCH_MS);
        g.h.processWatermark1(new Watermark(T0 - 100));
        g.h.processElement1(touch("u1", 1, "i2", T0 + 1), T0 + 1);
        g.h.processWatermark2(new Watermark(NEEDED - 1));

        assertTrue(g.h.getOutput().isEmpty(), "nothing passes, not even the touch input's watermark");
        assertEquals(3, g.counter("waited"));
        assertEquals(4, g.operatorQueue());

        g.h.processWatermark2(new Watermark(NEEDED));

        List<Object> out = new ArrayList<>(g.h.getOutput());
        assertEquals(4, out.size(), out.toString());
        assertList(out.get(0), "u1", 1_000, T0);
        assertList(out.get(1), "u2", 1_000, T0 - 5 * EPOCH_MS);
        assertEquals(new Watermark(T0 - 100), out.get(2), "the watermark keeps its place among the touches");
        assertList(out.get(3), "u1", 2_000, T0 + 1);
        assertEquals(0, g.operatorQueue());

        g.h.processWatermark1(new Watermark(T0));
        assertEquals(new Watermark(T0), new ArrayList<>(g.h.getOutput()).get(4), "an empty queue: straight through");
    }

    @Test
    void aBoundedWaitScoresWithTheLatestVersionOnceItIsOver() throws Exception {
        JobConfig c = config();
        c.modelMaxWaitMs = 100;
        Gate g = open(c);
        g.h.setProcessingTime(1_000);
        g.h.processElement2(delta(REQUIRED_EPOCH - 1, 1, "old", 0.25f, 0.25f), 0); // applied: its epoch is older
        g.h.processElement1(touch("u1", 0, "i1", T0), T0);
        g.h.setProcessingTime(1_050);
        g.h.processElement1(touch("u2", 0, "j1", T0), T0);
        g.h.processWatermark1(new Watermark(T0 - 100));
        g.h.setProcessingTime(1_099);
        assertTrue(g.h.getOutput().isEmpty(), "within the bound: waiting");

        g.h.setProcessingTime(1_100); // u1's touch has waited 100 ms
        List<Object> out = new ArrayList<>(g.h.getOutput());
        assertEquals(1, out.size(), "only what was queued 100 ms ago or earlier: " + out);
        assertList(out.get(0), "u1", 1_000, T0);
        assertEquals(1, g.counter("timedOut"));
        assertEquals(1, g.replica().version(), "scored with the latest version applied");

        g.h.setProcessingTime(1_150); // u2's touch, then the watermark behind it
        out = new ArrayList<>(g.h.getOutput());
        assertEquals(3, out.size(), out.toString());
        assertList(out.get(1), "u2", 1_000, T0);
        assertEquals(new Watermark(T0 - 100), out.get(2));
        assertEquals(2, g.counter("timedOut"));
        assertEquals(0, g.operatorQueue());
    }

    @Test
    void aVersionInTimeReleasesTheQueueBeforeTheBoundAndLaterTouchesGetTheirOwn() throws Exception {
        JobConfig c = config();
        c.modelMaxWaitMs = 100;
        Gate g = open(c);
        g.h.setProcessingTime(1_000);
        g.h.processElement1(touch("u1", 0, "i1", T0), T0);
        g.h.setProcessingTime(1_040);
        g.h.processWatermark2(new Watermark(NEEDED)); // the version is in: no timeout
        assertEquals(1, g.lists().size());

        g.h.setProcessingTime(1_090); // a touch of the next epoch, queued behind the old timer's deadline
        g.h.processElement1(touch("u1", 1, "i2", T0 + EPOCH_MS), T0 + EPOCH_MS);
        g.h.setProcessingTime(1_100); // the first timer fires: the new touch has waited only 10 ms
        assertEquals(1, g.lists().size(), "a touch is released by its own deadline, not an earlier one's");
        g.h.setProcessingTime(1_190);
        assertEquals(2, g.lists().size());
        assertEquals(1, g.counter("timedOut"));
    }

    @Test
    void aReadyTouchPassesStraightThroughAndTheModelWatermarkIsNotForwarded() throws Exception {
        Gate g = open(config());

        g.h.processWatermark2(new Watermark(NEEDED));
        assertTrue(g.h.getOutput().isEmpty(), "event time downstream follows the touches alone");

        g.h.processElement1(touch("u1", 0, "i1", T0), T0);

        assertEquals(List.of("u1"), g.lists().stream().map(w -> w.id).collect(Collectors.toList()));
        assertEquals(0, g.counter("waited"));
        assertEquals(0, g.operatorQueue());
    }

    @Test
    void anIdleModelInputReleasesTheQueue() throws Exception {
        Gate g = open(config());
        g.h.processElement1(touch("u1", 0, "i1", T0), T0);
        g.h.processWatermark1(new Watermark(T0 - 100));
        assertTrue(g.h.getOutput().isEmpty());

        g.h.processWatermarkStatus2(WatermarkStatus.IDLE);

        List<Object> out = new ArrayList<>(g.h.getOutput());
        assertEquals(2, out.size(), out.toString());
        assertList(out.get(0), "u1", 1_000, T0);
        assertEquals(new Watermark(T0 - 100), out.get(1));

        g.h.processWatermarkStatus2(WatermarkStatus.ACTIVE);
        g.h.processElement1(touch("u1", 1, "i2", T0 + EPOCH_MS), T0 + EPOCH_MS);
        assertEquals(2, g.h.getOutput().size(), "active again: the touch waits for the model watermark");
    }

    @Test
    void aTouchMeetsExactlyTheModelItsTimeRequires() throws Exception {
        List<StoreWrite> early = deltasBeforeTheTouches();
        List<StoreWrite> late = deltasAfterTheTouches();

        // the touch at T0 needs epoch REQUIRED_EPOCH: "emb" is in, "late" (one epoch later) is not yet; the
        // neighbour a comes first: the ranker starts from the fixed source order (co-visitation above the rest)
        assertArrayEquals(new String[] {"a", "emb"}, early.get(0).items);
        assertArrayEquals(new String[] {"viewed together with i1", SIMILAR}, early.get(0).reasons);
        assertArrayEquals(new Pools().covisit("a", 1).offer(CandidateSource.EMBEDDING, "emb").priors("a", "emb"),
                early.get(0).scores, 1e-12);
        // the touch one epoch later meets both, "late" (bias 5) before "emb" (bias 2), after the neighbours b
        // (of i2) and a (of i1, at half weight); the one target (i2, in no pool) moved no weight past L1
        assertArrayEquals(new String[] {"b", "a", "late"}, early.get(1).items);
        assertArrayEquals(new String[] {"viewed together with i2", "viewed together with i1", SIMILAR},
                early.get(1).reasons);
        assertArrayEquals(new Pools().covisit("b", 1).covisit("a", 0.5).offer(CandidateSource.EMBEDDING, "late", "emb")
                .priors("b", "a", "late"), early.get(1).scores, 1e-12);
        // deterministic: the same lists, scores included, however the two inputs interleaved
        assertEquals(describe(early), describe(late));
    }

    /** The model runs ahead: both deltas and the model watermark are in before the touches come. */
    private List<StoreWrite> deltasBeforeTheTouches() throws Exception {
        Gate g = open(config());
        g.h.processElement2(delta(REQUIRED_EPOCH, 1, "emb", 2, 0.25f), NEEDED);
        g.h.processElement2(delta(REQUIRED_EPOCH + 1, 2, "late", 5, -0.5f), NEEDED + EPOCH_MS);
        g.h.processWatermark2(new Watermark(NEEDED + EPOCH_MS));

        g.h.processElement1(touch("u1", 0, "i1", T0, "a"), T0);
        assertEquals(1, g.lists().size(), "ready: no wait");
        assertReplica(g.replica(), 1, REQUIRED_EPOCH, 0.25f, 1);

        g.h.processElement1(touch("u1", 1, "i2", T0 + EPOCH_MS, "b"), T0 + EPOCH_MS);
        assertReplica(g.replica(), 2, REQUIRED_EPOCH + 1, -0.5f, 0);
        assertEquals(0, g.counter("waited"));
        return g.lists();
    }

    /** The touches run ahead: each waits for its model version, the later delta arriving after the first touch. */
    private List<StoreWrite> deltasAfterTheTouches() throws Exception {
        Gate g = open(config());
        g.h.processElement1(touch("u1", 0, "i1", T0, "a"), T0);
        g.h.processElement2(delta(REQUIRED_EPOCH, 1, "emb", 2, 0.25f), NEEDED);
        assertTrue(g.lists().isEmpty(), "the delta is in, but its watermark is not");
        assertEquals(0, g.replica().version(), "a delta is queued, not applied, on arrival");

        g.h.processWatermark2(new Watermark(NEEDED));
        assertEquals(1, g.lists().size());
        assertReplica(g.replica(), 1, REQUIRED_EPOCH, 0.25f, 0);

        g.h.processElement2(delta(REQUIRED_EPOCH + 1, 2, "late", 5, -0.5f), NEEDED + EPOCH_MS);
        g.h.processElement1(touch("u1", 1, "i2", T0 + EPOCH_MS, "b"), T0 + EPOCH_MS);
        assertEquals(1, g.lists().size(), "waits for epoch " + (REQUIRED_EPOCH + 1));
        g.h.processWatermark2(new Watermark(NEEDED + EPOCH_MS));
        assertReplica(g.replica(), 2, REQUIRED_EPOCH + 1, -0.5f, 0);
        assertEquals(2, g.counter("waited"));
        return g.lists();
    }

    @Test
    void heldTouchesAndQueuedDeltasSurviveASnapshot() throws Exception {
        JobConfig config = config();
        Gate g = open(config);
        g.h.processElement2(delta(REQUIRED_EPOCH, 1, "emb", 2, 0.25f), NEEDED);
        g.h.processElement1(touch("u1", 0, "i1", T0, "a"), T0);
        g.h.processElement1(touch("u2", 0, "j1", T0 + 1, "b"), T0 + 1);
        g.h.processElement1(touch("u1", 1, "i2", T0 + 2), T0 + 2);
        assertTrue(g.h.getOutput().isEmpty());
        OperatorSubtaskState snapshot = g.h.snapshot(1L, 1_000);

        Gate restored = restore(config, snapshot, 1, 1, 0);
        assertTrue(restored.h.getOutput().isEmpty(), "still waiting after the restore");
        restored.h.processWatermark2(new Watermark(NEEDED - 1)); // a drain that must release nothing yet
        restored.h.setProcessingTime(10_000);
        assertTrue(restored.h.getOutput().isEmpty(), "an unbounded wait stays a wait after the restore");
        assertEquals(3, restored.operatorQueue());
        restored.h.processWatermark2(new Watermark(NEEDED));

        // the same as without the restore
        g.h.processWatermark2(new Watermark(NEEDED));
        List<StoreWrite> out = restored.lists();
        assertEquals(describe(g.lists()), describe(out));
        assertEquals(List.of("u1", "u2", "u1"), out.stream().map(w -> w.id).collect(Collectors.toList()));
        assertEquals(List.of(1_000L, 1_000L, 2_000L), out.stream().map(w -> w.version).collect(Collectors.toList()));
        assertArrayEquals(new String[] {"a", "emb"}, out.get(0).items, "the queued delta came back with the replica");
        assertEquals(1, restored.replica().version());
    }

    @Test
    void withABoundedWaitRestoredTouchesGoAtOnce() throws Exception {
        JobConfig config = config();
        Gate g = open(config);
        g.h.processElement1(touch("u1", 0, "i1", T0, "a"), T0);
        OperatorSubtaskState snapshot = g.h.snapshot(1L, 1_000);

        config.modelMaxWaitMs = 100;
        Gate restored = restore(config, snapshot, 1, 1, 0);
        restored.h.processWatermark2(new Watermark(NEEDED - 1));
        assertTrue(restored.h.getOutput().isEmpty(), "not ready, and a drain alone forces nothing");
        restored.h.setProcessingTime(1); // restored touches waited before the restore: the first timer releases them
        assertEquals(List.of("u1"), restored.lists().stream().map(w -> w.id).collect(Collectors.toList()));
        assertEquals(1, restored.counter("timedOut"));
    }

    @Test
    void afterScalingOutEachSubtaskReleasesTheHeldTouchesOfItsOwnUsers() throws Exception {
        JobConfig config = config();
        String[] users = {user(0, 0), user(1, 0), user(0, 1), user(1, 1)};
        Gate g = open(config, 2, 1, 0);
        for (int i = 0; i < users.length; i++) {
            g.h.processElement1(touch(users[i], 0, "i" + i, T0 + i), T0 + i);
        }
        OperatorSubtaskState snapshot = g.h.snapshot(1L, 1_000);

        for (int subtask = 0; subtask < 2; subtask++) {
            Gate s = restore(config, AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, 2, 1, 2, subtask),
                    2, 2, subtask);
            s.h.processWatermark2(new Watermark(NEEDED));
            assertEquals(List.of(user(subtask, 0), user(subtask, 1)),
                    s.lists().stream().map(w -> w.id).collect(Collectors.toList()), "subtask " + subtask);
        }
    }

    @Test
    void outOfStockItemsAreNoCandidatesUntilTheCatalogSaysTheyAreBack() throws Exception {
        JobConfig config = config();
        config.models = JobConfig.Models.COVISIT; // no model: nothing gates the touches
        Gate g = open(config);
        g.h.processElement1(touch("u4", 0, "other", T0 - 60_000), T0 - 60_000); // on the board
        g.h.processElement1(touch("u2", 0, "pop", T0), T0); // on the board, above "other"
        g.h.processElement1(touch("u1", 0, "i1", T0 + 1, "a", "b"), T0 + 1);
        assertArrayEquals(new String[] {"a", "b", "pop"}, g.last("u1").items);

        g.h.processElement2(stock("a", false, T0 + 2), T0 + 2);
        g.h.processElement2(stock("pop", false, T0 + 2), T0 + 2);
        g.h.processElement1(touch("u1", 1, "i2", T0 + 3, "a", "b", "c"), T0 + 3);
        assertArrayEquals(new String[] {"b", "c", "other"}, g.last("u1").items,
                "neither the neighbour nor the trending item: the fill takes the next one in stock");
        assertEquals(2, g.outOfStock());

        g.h.processElement1(touch("u3", 0, "pop", T0 + 4), T0 + 4);
        g.h.processElement1(touch("u5", 0, "j1", T0 + 5), T0 + 5);
        assertFalse(Arrays.asList(g.last("u5").items).contains("pop"), "its own touches do not bring it back");

        g.h.processElement2(stock("a", true, T0 + 6), T0 + 6);
        g.h.processElement1(touch("u1", 2, "i3", T0 + 7, "a"), T0 + 7);
        assertEquals("a", g.last("u1").items[0], "back in stock");
        assertEquals(1, g.outOfStock());
    }

    @Test
    void theOutOfStockItemsSurviveARestoreOnEverySubtask() throws Exception {
        JobConfig config = config();
        config.models = JobConfig.Models.COVISIT;
        Gate g = open(config, 2, 1, 0);
        g.h.processElement2(stock("a", false, T0), T0);
        g.h.processElement2(stock("b", false, T0), T0);
        g.h.processElement2(stock("b", true, T0 + 1), T0 + 1);
        OperatorSubtaskState snapshot = g.h.snapshot(1L, 1_000);

        for (int subtask = 0; subtask < 2; subtask++) {
            Gate s = restore(config, AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, 2, 1, 2, subtask),
                    2, 2, subtask);
            s.h.processElement1(touch(user(subtask, 0), 0, "i1", T0 + 2, "a", "b"), T0 + 2);
            assertArrayEquals(new String[] {"b"}, s.lists().get(0).items, "subtask " + subtask);
            assertEquals(1, s.outOfStock());
        }
    }

    // --- helpers

    private static JobConfig config() {
        JobConfig c = new JobConfig();
        c.models = JobConfig.Models.ALL;
        c.modelEpoch = Duration.ofMillis(EPOCH_MS);
        c.modelMaxWaitMs = -1; // touches wait as long as it takes, unless a test bounds it
        c.k = 3;
        c.seedItems = 2;
        c.maxSeenItems = 10;
        c.maxNeighbours = 10;
        c.trendingSize = 10;
        c.stateTtl = Duration.ofHours(1);
        c.redisTtl = Duration.ofHours(1);
        c.conversionDimension = 1024;
        c.embeddingDim = DIM;
        c.embeddingItems = 100;
        c.embeddingCandidates = 5;
        return c;
    }

    /** An operator under test, its function and harness. */
    private static final class Gate {
        final RecommendFunction function;
        final KeyedTwoInputStreamOperatorTestHarness<String, Touch, RankingUpdate, StoreWrite> h;

        Gate(RecommendFunction function, KeyedTwoInputStreamOperatorTestHarness<String, Touch, RankingUpdate, StoreWrite> h) {
            this.function = function;
            this.h = h;
        }

        List<StoreWrite> lists() {
            return RecommendFunctionTest.checked(h.extractOutputValues());
        }

        ModelReplica replica() throws Exception {
            Field f = RecommendFunction.class.getDeclaredField("models");
            f.setAccessible(true);
            return ((ModelScoring) f.get(function)).replica();
        }

        long counter(String field) throws Exception {
            Field f = ModelGatedOperator.class.getDeclaredField(field);
            f.setAccessible(true);
            return ((Counter) f.get(h.getOperator())).getCount();
        }

        /** The items the function holds as out of stock. */
        int outOfStock() throws Exception {
            Field f = RecommendFunction.class.getDeclaredField("outOfStock");
            f.setAccessible(true);
            return ((OutOfStock) f.get(function)).size();
        }

        StoreWrite last(String user) {
            List<StoreWrite> mine = lists().stream().filter(w -> w.id.equals(user)).collect(Collectors.toList());
            return mine.get(mine.size() - 1);
        }

        int operatorQueue() throws Exception {
            Field f = ModelGatedOperator.class.getDeclaredField("queue");
            f.setAccessible(true);
            return ((Collection<?>) f.get(h.getOperator())).size();
        }
    }

    private Gate open(JobConfig config) throws Exception {
        return open(config, 1, 1, 0);
    }

    private Gate open(JobConfig config, int maxParallelism, int parallelism, int subtask) throws Exception {
        Gate g = create(config, maxParallelism, parallelism, subtask);
        g.h.open();
        return g;
    }

    private Gate restore(JobConfig config, OperatorSubtaskState state, int maxParallelism, int parallelism,
                         int subtask) throws Exception {
        Gate g = create(config, maxParallelism, parallelism, subtask);
        g.h.initializeState(state);
        g.h.open();
        return g;
    }

    private Gate create(JobConfig config, int maxParallelism, int parallelism, int subtask) throws Exception {
        RecommendFunction f = new RecommendFunction(config);
        KeySelector<Touch, String> byUser = t -> t.event.user;
        KeySelector<RankingUpdate, String> notKeyed = null;
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(new ModelGatedOperator(f, EPOCH_MS, config.models.any(),
                config.modelMaxWaitMs), byUser, notKeyed,
                Types.STRING, maxParallelism, parallelism, subtask);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        opened.add(h);
        return new Gate(f, h);
    }

    /** A delta of {@code epoch}: one embedding row (zero vectors, bias {@code bias}) and conversion weight 7. */
    private static RankingUpdate delta(long epoch, long version, String item, float bias, float weight7) {
        EmbeddingRow row = new EmbeddingRow(item, new float[DIM], new float[DIM], bias);
        return RankingUpdate.of(
                new ModelDelta(epoch, version, new int[] {7}, new float[] {weight7}, new EmbeddingRow[] {row}));
    }

    private static RankingUpdate stock(String item, boolean inStock, long ts) {
        return RankingUpdate.of(new StockChange(item, inStock, ts));
    }

    private static void assertReplica(ModelReplica r, long version, long appliedEpoch, float weight7, int queued) {
        assertEquals(version, r.version(), "version");
        assertEquals(appliedEpoch, r.appliedEpoch(), "applied epoch");
        assertEquals(weight7, r.weights()[7], 0f, "weight 7");
        assertEquals(queued, r.queued(), "deltas queued");
    }

    @SuppressWarnings("unchecked")
    private static void assertList(Object o, String user, long version, long timestamp) {
        assertTrue(o instanceof StreamRecord, "a record, not " + o);
        StreamRecord<StoreWrite> r = (StreamRecord<StoreWrite>) o;
        assertEquals(user, r.getValue().id);
        assertEquals(version, r.getValue().version);
        assertEquals(timestamp, r.getTimestamp(), "the touch's timestamp");
        assertFalse(r.getValue().items == null);
    }

    private static List<String> describe(List<StoreWrite> out) {
        return out.stream().map(w -> w.id + " v" + w.version + " " + List.of(w.items) + " "
                + Arrays.toString(w.scores) + " " + List.of(w.reasons)).collect(Collectors.toList());
    }

    /** The {@code n}-th user name whose key group belongs to {@code subtask} of 2 (max parallelism 2). */
    private static String user(int subtask, int n) {
        int found = 0;
        for (int i = 0; ; i++) {
            String user = "user-" + i;
            if (KeyGroupRangeAssignment.assignKeyToParallelOperator(user, 2, 2) == subtask && found++ == n) return user;
        }
    }

    private static Touch touch(String user, long seq, String item, long ts, String... neighbours) {
        Event e = new Event(ts, EventType.VIEW, user, item, null);
        double[] weights = new double[neighbours.length];
        Arrays.fill(weights, 1);
        Touch t = new Touch(e, 1, seq, neighbours, weights);
        t.itemPopularity = DecayedScores.add(DecayedScores.EMPTY, 1, ts, Duration.ofHours(6).toMillis());
        return t;
    }
}

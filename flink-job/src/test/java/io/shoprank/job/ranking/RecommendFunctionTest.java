package io.shoprank.job.ranking;

import static io.shoprank.job.ranking.CandidateSource.CATEGORY_1;
import static io.shoprank.job.ranking.CandidateSource.COVISIT;
import static io.shoprank.job.ranking.CandidateSource.GLOBAL;
import static io.shoprank.job.ranking.Pools.covisitSlot;
import static io.shoprank.job.ranking.Pools.fillSlot;
import static io.shoprank.job.ranking.Pools.prior;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.job.JobConfig;
import io.shoprank.job.covisit.Touch;
import io.shoprank.job.eval.PrequentialOutcome;
import io.shoprank.job.eval.RollingQuality;
import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventType;
import io.shoprank.job.features.DecayedScores;
import io.shoprank.store.StoreWrite;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The user-keyed ranking stage. Published list versions are {@code applied events * 1000 + rebuilds} (see
 * UserRanking#version). Fill items come from the function's own popularity board, fed by the touches it
 * applies: each touch carries its item's popularity key and category as the co-visitation stage knows them.
 * Here a user's own touches carry a popularity worth 1 at the event's time; {@link #popular} puts an item on
 * the board through another user's touch, worth the given value at T0: the popularity decides an item's rank
 * in the trending lists, the rank its score.
 *
 * <p>Unless a test says otherwise the ranking is the fixed source order ({@code models = COVISIT}): a score is
 * the noisy-OR of the priors of the candidate's sources ({@link Pools#prior(CandidatePool.Candidate)}, on a
 * pool built by hand like the user's); a co-visitation candidate's slot is its strength
 * {@code 10 - floor(log2(1 + summed score))} (scores 1..3: 9, below 1: 10, 3..7: 8) by the group of its rank
 * among the neighbours (0; 1-2; ...), a fill's the user's context (0: no neighbours, 1: under 10) by the
 * bucket of its rank (ranks 0..3: buckets 0..3). {@code CALIBRATED} re-learns the priors from the sampled
 * targets (expected values from a calibration that learns from the same pools, see {@link #learned});
 * {@code RANKER} learns the hybrid ranker. Every list published is checked to hold probabilities in (0, 1],
 * never increasing ({@link #checked}).
 */
class RecommendFunctionTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final double EPS = 1e-12;
    /** Calibrated scores are computed the same way as expected: compared to the last bits. */
    private static final double P_EPS = 1e-15;
    private static final Duration HALF_LIFE = Duration.ofHours(6);

    private RecommendFunction function;
    private KeyedOneInputStreamOperatorTestHarness<String, Touch, StoreWrite> harness;

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
        c.trendingHalfLife = HALF_LIFE;
        c.exclude = exclude;
        c.stateTtl = Duration.ofHours(1);
        c.redisTtl = Duration.ofDays(7);
        c.models = JobConfig.Models.COVISIT;
        return c;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Touch, StoreWrite> newHarness(
            RecommendFunction f, int maxParallelism, int parallelism, int subtask) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Touch, StoreWrite> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(f),
                        t -> t.event.user, Types.STRING, maxParallelism, parallelism, subtask);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        return h;
    }

    private void open(JobConfig config) throws Exception {
        function = new RecommendFunction(config);
        harness = newHarness(function, 1, 1, 0);
        harness.open();
    }

    @Test
    void touchPublishesTheUsersList() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        Touch t = touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a", "b"}, new double[] {2, 1});
        t.event.ingestMs = 77;

        harness.processElement(t, t.event.ts);

        List<StoreWrite> out = written();
        assertEquals(1, out.size());
        StoreWrite w = out.get(0);
        assertEquals(StoreWrite.Kind.RECOMMENDATIONS, w.kind);
        assertEquals("u1", w.id);
        assertEquals(1_000, w.version);
        assertEquals(t.event.ts, w.asOfTs);
        assertEquals(Duration.ofDays(7).toMillis(), w.ttlMs);
        assertEquals(77, w.ingestMs);
        assertArrayEquals(new String[] {"a", "b"}, w.items, "i1 is on the board now, but the user has seen it");
        // co-visitation 2 and 1: both strength 9; a, the stronger, is the best neighbour (rank group 0), b rank 1
        assertArrayEquals(new double[] {prior(COVISIT, covisitSlot(9, 0)), prior(COVISIT, covisitSlot(9, 1))},
                w.scores, P_EPS);
        assertArrayEquals(new Pools().covisit("a", 2).covisit("b", 1).priors("a", "b"), w.scores, P_EPS);
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
        assertTrue(written().isEmpty(), "waiting for touch 0");
        assertEquals(2, keyedStateEntries(), "ranking and the non-empty reorder buffer");

        harness.processElement(t0, t0.event.ts);

        List<StoreWrite> out = written();
        assertEquals(List.of(1_000L, 2_000L, 3_000L), versions(out));
        assertArrayEquals(new String[] {"a", "b"}, out.get(0).items);
        // seeds i2 (c=1), i1 (a=2/2, b=1/2): a tie keeps the first seen
        assertArrayEquals(new String[] {"c", "a", "b"}, out.get(1).items);
        // seeds i3 (a=5), i2 (c=1/2); i1 is no seed any more (2 seeds); the board holds only seen items
        assertArrayEquals(new String[] {"a", "c"}, out.get(2).items);
        // i2 and i3 were targets: the fixed order learns nothing from them
        assertArrayEquals(new Pools().covisit("a", 5).covisit("c", 0.5).priors("a", "c"), out.get(2).scores, P_EPS);
        assertEquals(prior(COVISIT, covisitSlot(10, 1)), out.get(2).scores[1], P_EPS, "c = 1/2: strength 10, rank 1");
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

        assertEquals(List.of(1_000L, 2_000L, 3_000L), versions(written()));
    }

    @Test
    void usersHaveTheirOwnSequences() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        harness.processElement(touch("u1", 1, 1, EventType.VIEW, "i2", null, new String[0], new double[0]), T0);

        harness.processElement(touch("u2", 9, 0, EventType.VIEW, "i1", null, new String[] {"a"}, new double[] {1}), T0);

        List<StoreWrite> out = written();
        assertEquals(1, out.size(), "u1 still waits for its touch 0");
        assertEquals("u2", out.get(0).id);
        assertArrayEquals(new String[] {"a"}, out.get(0).items, "u1's buffered i2 is not on the board yet");
    }

    @Test
    void aNewerEpochRestartsTheSequenceAndDropsTheOldBuffer() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        harness.processElement(touch("u1", 100, 0, EventType.VIEW, "i1", null, new String[] {"a"}, new double[] {1}), T0);
        harness.processElement(touch("u1", 100, 2, EventType.VIEW, "old", null, new String[] {"z"}, new double[] {9}), T0);
        harness.getOutput().clear();

        harness.processElement(touch("u1", 200, 0, EventType.VIEW, "i5", null, new String[] {"b"}, new double[] {1}), T0 + 1);
        harness.processElement(touch("u1", 200, 1, EventType.VIEW, "i6", null, new String[] {"c"}, new double[] {1}), T0 + 2);

        List<StoreWrite> out = written();
        assertEquals(List.of(1_000L, 2_000L), versions(out), "the buffered touch of epoch 100 must not be applied");
        // the old sequence's history is gone: i1 is no longer excluded, it comes back as a popular item
        assertArrayEquals(new String[] {"b", "i1"}, out.get(0).items);
        assertArrayEquals(new String[] {"viewed together with i5", "popular now"}, out.get(0).reasons);
        assertArrayEquals(new String[] {"c", "b", "i1"}, out.get(1).items);

        harness.processElement(touch("u1", 100, 1, EventType.VIEW, "late", null, new String[] {"y"}, new double[] {1}), T0);
        harness.processElement(touch("u1", 200, 2, EventType.VIEW, "i7", null, new String[] {"d"}, new double[] {1}), T0 + 3);
        out = written();
        assertEquals(List.of(1_000L, 2_000L, 3_000L), versions(out), "a touch of the superseded epoch is dropped");
        // "old" (T0 + 2) or "late" (T0 + 1) would outrank i1 (T0) had either reached the board
        assertArrayEquals(new String[] {"d", "c", "i1"}, out.get(2).items);
    }

    @Test
    void aMissingTouchIsSkippedOnceTheBufferOverflows() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        for (long seq = 1; seq <= RecommendFunction.MAX_PENDING; seq++) {
            harness.processElement(touch("u1", 1, seq, EventType.VIEW, "i" + seq, null, new String[0], new double[0]), T0);
        }
        assertTrue(written().isEmpty());

        long last = RecommendFunction.MAX_PENDING + 1;
        harness.processElement(touch("u1", 1, last, EventType.VIEW, "i" + last, null, new String[0], new double[0]), T0);

        List<Long> versions = versions(written());
        assertEquals(RecommendFunction.MAX_PENDING + 1, versions.size(), "everything from touch 1 on is applied");
        assertEquals(2_000L, versions.get(0));
        assertEquals((last + 1) * 1_000, versions.get(versions.size() - 1));
        assertEquals(1, counter("gaps"));
        assertEquals(1, keyedStateEntries(), "buffer emptied");
    }

    @Test
    void aStaleListIsCheckedWithItsTrendingEntriesRefreshedAsTheClientReadsIt() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        StoreWrite w = listThenNewTrendAfter(Duration.ofHours(2));
        assertArrayEquals(new String[] {"a", "p1"}, w.items);
        assertArrayEquals(new String[] {"viewed together with i1", "popular now"}, w.reasons);
        assertArrayEquals(new String[] {"i1"}, w.exclude, "what a reader's refresh must skip");
        assertArrayEquals(new String[] {"i1"}, w.seeds, "the items a reader recomputes co-visitation from");
        assertEquals("slots", w.staleOrder);

        PrequentialOutcome o = outcomes().get(outcomes().size() - 1);
        assertEquals("p2", o.item);
        assertEquals(1, o.rank, "p2 took the place of p1, the trending entry of the list served");
        assertEquals(1, counter("staleLists"));
    }

    @Test
    void aListLessThanTheThresholdOldIsCheckedAsStored() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        listThenNewTrendAfter(Duration.ofMinutes(30));

        assertEquals(-1, outcomes().get(outcomes().size() - 1).rank);
        assertEquals(0, counter("staleLists"));
    }

    /**
     * u1 gets a list [a, p1 (popular now)]; {@code gap} later p2 becomes the top trending item and u1 comes back
     * to it (a target). Returns u1's first list write.
     */
    private StoreWrite listThenNewTrendAfter(Duration gap) throws Exception {
        popular("p1", null, 5);
        Touch first = touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a"}, new double[] {2});
        harness.processElement(first, first.event.ts);
        StoreWrite w = written().stream().filter(x -> x.id.equals("u1")).findFirst().orElseThrow();
        long later = T0 + gap.toMillis();
        Touch fan = new Touch(new Event(later, EventType.VIEW, "fan-p2", "p2", null), 1, 0, new String[0], new double[0]);
        fan.itemPopularity = popularity(100, later);
        harness.processElement(fan, later);
        Touch back = new Touch(new Event(later + 1, EventType.VIEW, "u1", "p2", null), 1, 1, new String[0], new double[0]);
        back.itemPopularity = popularity(101, later + 1);
        harness.processElement(back, later + 1);
        return w;
    }

    @Test
    void popularItemsFillTheList() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        popular("t1", null, 40);
        popular("t2", null, 30);
        popular("t3", null, 20);
        popular("t4", null, 10);

        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[0], new double[0]), T0);

        StoreWrite w = lists("u1").get(0);
        assertArrayEquals(new String[] {"t1", "t2", "t3"}, w.items);
        // no neighbours: context 0
        assertArrayEquals(new double[] {prior(GLOBAL, fillSlot(0, 0)), prior(GLOBAL, fillSlot(0, 1)),
            prior(GLOBAL, fillSlot(0, 2))}, w.scores, P_EPS);
        assertArrayEquals(new String[] {"popular now", "popular now", "popular now"}, w.reasons);
        assertEquals(0, harness.numProcessingTimeTimers(), "a full list needs no rebuild");
    }

    @Test
    void aPopularItemThatIsAlsoANeighbourIsListedOnceWithTheEvidenceOfBoth() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        popular("t1", null, 40);
        popular("t2", null, 30);

        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"t2"}, new double[] {1e-9}), T0);

        StoreWrite w = lists("u1").get(0);
        assertArrayEquals(new String[] {"t2", "t1"}, w.items, "t2 is a candidate already: no duplicate");
        // t2: co-visitation 1e-9 (strength 10, the best neighbour) and global rank 1; t1: global rank 0
        assertArrayEquals(new Pools().covisit("t2", 1e-9).offer(GLOBAL, "t1", "t2").priors("t2", "t1"), w.scores, P_EPS);
        assertTrue(w.scores[0] > prior(COVISIT, covisitSlot(10, 0)), "both sources count");
        assertArrayEquals(new String[] {"viewed together with i1", "popular now"}, w.reasons);
    }

    @Test
    void theUsersCategoriesComeBeforeGlobalPopularity() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        popular("t1", null, 40);
        popular("t2", null, 30);
        popular("t3", null, 20);
        popular("s1", "shoes", 2); // filed under the touch's itemCategory (its event has none)

        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", "shoes", new String[0], new double[0]), T0);

        StoreWrite w = lists("u1").get(0);
        assertArrayEquals(new String[] {"s1", "t1", "t2"}, w.items);
        assertArrayEquals(new String[] {"popular in shoes", "popular now", "popular now"}, w.reasons);
        assertArrayEquals(new double[] {prior(CATEGORY_1, fillSlot(0, 0)), prior(GLOBAL, fillSlot(0, 0)),
            prior(GLOBAL, fillSlot(0, 1))}, w.scores, P_EPS,
                "s1 is first in the user's first category, though far less popular than t1 and t2");
    }

    @Test
    void aStalePopularityDoesNotReplaceANewerOne() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        popular("hot", null, 100);
        popular("warm", null, 80);
        // hot's popularity as it was before: a touch held in another user's reorder buffer, applied late
        Touch stale = touch("u9", 1, 0, EventType.VIEW, "hot", null, new String[0], new double[0]);
        stale.itemPopularity = popularity(10, T0);
        harness.processElement(stale, T0);

        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[0], new double[0]), T0);

        StoreWrite w = lists("u1").get(0);
        assertArrayEquals(new String[] {"hot", "warm"}, w.items, "hot at 10 would come after warm");
        assertArrayEquals(new double[] {prior(GLOBAL, fillSlot(0, 0)), prior(GLOBAL, fillSlot(0, 1))}, w.scores, P_EPS);
    }

    @Test
    void shortListIsRebuiltOncePopularItemsArrive() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        harness.setProcessingTime(1_000);
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a"}, new double[] {1}), T0);
        assertEquals(1, harness.numProcessingTimeTimers());

        popular("t1", null, 30);
        popular("t2", null, 20);
        popular("t3", null, 10);
        harness.setProcessingTime(1_000 + 500);

        List<StoreWrite> out = lists("u1");
        assertEquals(List.of(1_000L, 1_001L), versions(out));
        assertArrayEquals(new String[] {"a"}, out.get(0).items);
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

        List<Long> versions = versions(written());
        assertEquals(1 + 20, versions.size());
        assertEquals(1_020L, versions.get(versions.size() - 1));
        assertEquals(0, harness.numProcessingTimeTimers());
    }

    @Test
    void aRebuildDoesNotChangeWhatTheNextEventIsCheckedAgainst() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        harness.setProcessingTime(1_000);
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a"}, new double[] {1}), T0);
        popular("t1", null, 30);
        popular("t2", null, 20);
        popular("t3", null, 10);
        harness.setProcessingTime(1_500);
        assertArrayEquals(new String[] {"a", "t1", "t2"}, lists("u1").get(1).items, "published by the rebuild");

        harness.processElement(touch("u1", 1, 1, EventType.VIEW, "t1", null, new String[0], new double[0]), T0 + 1);

        List<PrequentialOutcome> outcomes = outcomes();
        assertEquals(1, outcomes.size());
        assertEquals("t1", outcomes.get(0).item);
        assertEquals(-1, outcomes.get(0).rank, "served at the last event was [a]; the rebuild went to Redis only");
        assertEquals(1, counter("targets"));
        assertEquals(0, counter("hits"));
        assertEquals(List.of(1_000L, 1_001L, 2_000L), versions(lists("u1")), "the event resets the rebuild count");
    }

    @Test
    void excludeSeenDropsEveryItemTheUserTouched() throws Exception {
        open(config(JobConfig.Exclude.SEEN));

        List<StoreWrite> out = seenThenBoughtScenario();

        assertArrayEquals(new String[] {"y", "x"}, out.get(1).items);
        assertArrayEquals(new String[] {"y"}, out.get(2).items, "i1 and i2 are popular but seen");
    }

    @Test
    void excludeBoughtDropsOnlyPurchasedItems() throws Exception {
        open(config(JobConfig.Exclude.BOUGHT));

        List<StoreWrite> out = seenThenBoughtScenario();

        // i1 was only viewed: it may come back
        assertArrayEquals(new String[] {"i1", "y", "x"}, out.get(1).items);
        // i1 is a neighbour of i2 (3: strength 8) and second on the board now, behind i2 (fourth in the pool)
        Pools now = new Pools().covisit("i1", 3).covisit("y", 2).covisit("x", 0.5).offer(GLOBAL, "i2", "i1");
        assertArrayEquals(now.priors("i1", "y", "x"), out.get(1).scores, P_EPS);
        assertTrue(out.get(1).scores[0] > prior(now.get("i1"), COVISIT), "neighbour and popular");
        // once bought it may not; i2, only viewed, comes back as a popular item
        assertArrayEquals(new String[] {"y", "i2"}, out.get(2).items);
        assertArrayEquals(new String[] {"viewed together with i2", "popular now"}, out.get(2).reasons);
    }

    private List<StoreWrite> seenThenBoughtScenario() throws Exception {
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"x"}, new double[] {1}), T0);
        harness.processElement(touch("u1", 1, 1, EventType.VIEW, "i2", null,
                new String[] {"i1", "y"}, new double[] {3, 2}), T0 + 1);
        harness.processElement(touch("u1", 1, 2, EventType.PURCHASE, "i1", null, new String[0], new double[0]), T0 + 2);
        List<StoreWrite> out = written();
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
        assertEquals(4, written().size());
    }

    @Test
    void everyTargetEmitsItsOutcome() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        popular("t1", null, 50);

        // served [a, b, t1]; the first event is no target
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a", "b"}, new double[] {2, 1}), T0);
        assertTrue(outcomes().isEmpty());
        // t1 was served third (a popular fill): rank 2; served next [a, b]
        harness.processElement(touch("u1", 1, 1, EventType.VIEW, "t1", null, new String[0], new double[0]), T0 + 1);
        // z was not served: rank -1
        harness.processElement(touch("u1", 1, 2, EventType.CART, "z", null, new String[0], new double[0]), T0 + 2);
        // i1 again: seen, no outcome
        harness.processElement(touch("u1", 1, 3, EventType.VIEW, "i1", null, new String[0], new double[0]), T0 + 3);

        List<PrequentialOutcome> outcomes = outcomes();
        assertEquals(2, outcomes.size());
        assertOutcome(outcomes.get(0), "u1", "t1", T0 + 1, 2, 1);
        assertOutcome(outcomes.get(1), "u1", "z", T0 + 2, -1, 2);
        assertEquals(2, counter("targets"));
        assertEquals(1, counter("hits"));

        RollingQuality q = quality();
        assertEquals(2, q.targets());
        assertEquals(1.0 / 2, q.hitRate(), EPS);
        assertEquals((1.0 / 3) / 2, q.mrr(), EPS);
        assertEquals((1.0 / 2) / 2, q.ndcg(), EPS, "1 / log2(2 + 2) = 1/2 for rank 2");
    }

    @Test
    void outcomesAreKeptPerUser() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a"}, new double[] {1}), T0);
        harness.processElement(touch("u2", 1, 0, EventType.VIEW, "i2", null, new String[] {"b"}, new double[] {1}), T0);

        harness.processElement(touch("u2", 1, 1, EventType.VIEW, "a", null, new String[0], new double[0]), T0 + 1);
        harness.processElement(touch("u1", 1, 1, EventType.VIEW, "a", null, new String[0], new double[0]), T0 + 1);

        List<PrequentialOutcome> outcomes = outcomes();
        assertEquals(2, outcomes.size());
        assertOutcome(outcomes.get(0), "u2", "a", T0 + 1, -1, 1);
        assertOutcome(outcomes.get(1), "u1", "a", T0 + 1, 0, 1);
    }

    @Test
    void theBoardSurvivesASnapshot() throws Exception {
        JobConfig config = config(JobConfig.Exclude.SEEN);
        open(config);
        popular("t1", null, 40);
        popular("t2", null, 30);
        popular("t3", null, 20);
        popular("s1", "shoes", 2);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1_000);
        harness.close();

        function = new RecommendFunction(config);
        harness = newHarness(function, 1, 1, 0);
        harness.initializeState(snapshot);
        harness.open();
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", "shoes", new String[0], new double[0]), T0);

        StoreWrite w = lists("u1").get(0);
        assertArrayEquals(new String[] {"s1", "t1", "t2"}, w.items, "the global and the category tops came back");
        assertArrayEquals(new String[] {"popular in shoes", "popular now", "popular now"}, w.reasons);
    }

    @Test
    void boardsAreMergedWhenScalingIn() throws Exception {
        JobConfig config = config(JobConfig.Exclude.SEEN);
        KeyedOneInputStreamOperatorTestHarness<String, Touch, StoreWrite> first =
                newHarness(new RecommendFunction(config), 2, 2, 0);
        KeyedOneInputStreamOperatorTestHarness<String, Touch, StoreWrite> second =
                newHarness(new RecommendFunction(config), 2, 2, 1);
        OperatorSubtaskState one;
        OperatorSubtaskState two;
        try {
            first.open();
            second.open();
            popular(first, 0, "hot", 100);
            popular(first, 0, "a1", 30);
            popular(second, 1, "b1", 50);
            Touch stale = touch(fan("hot-old", 1), 1, 0, EventType.VIEW, "hot", null, new String[0], new double[0]);
            stale.itemPopularity = popularity(10, T0); // the second subtask saw an older key of hot
            second.processElement(stale, T0);
            one = first.snapshot(1L, 1_000);
            two = second.snapshot(1L, 1_000);
        } finally {
            first.close();
            second.close();
        }

        OperatorSubtaskState merged = AbstractStreamOperatorTestHarness.repartitionOperatorState(
                AbstractStreamOperatorTestHarness.repackageState(one, two), 2, 2, 1, 0);
        function = new RecommendFunction(config);
        harness = newHarness(function, 2, 1, 0);
        harness.initializeState(merged);
        harness.open();
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[0], new double[0]), T0);

        StoreWrite w = lists("u1").get(0);
        assertArrayEquals(new String[] {"hot", "b1", "a1"}, w.items, "both boards, hot with its best key");
        assertArrayEquals(new double[] {prior(GLOBAL, fillSlot(0, 0)), prior(GLOBAL, fillSlot(0, 1)),
            prior(GLOBAL, fillSlot(0, 2))}, w.scores, P_EPS);
    }

    @Test
    void everySubtaskGetsTheWholeBoardWhenScalingOut() throws Exception {
        JobConfig config = config(JobConfig.Exclude.SEEN);
        function = new RecommendFunction(config);
        harness = newHarness(function, 2, 1, 0);
        harness.open();
        popular("t1", null, 40);
        popular("t2", null, 30);
        popular("t3", null, 20);
        popular("t4", null, 10);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1_000);
        harness.close();
        harness = null;

        for (int subtask = 0; subtask < 2; subtask++) {
            KeyedOneInputStreamOperatorTestHarness<String, Touch, StoreWrite> h =
                    newHarness(new RecommendFunction(config), 2, 2, subtask);
            try {
                h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, 2, 1, 2, subtask));
                h.open();
                String user = fan("user", subtask);
                h.processElement(touch(user, 1, 0, EventType.VIEW, "i1", null, new String[0], new double[0]), T0);

                StoreWrite w = checked(h.extractOutputValues()).stream().filter(l -> l.id.equals(user)).findFirst().get();
                assertArrayEquals(new String[] {"t1", "t2", "t3"}, w.items, "subtask " + subtask);
            } finally {
                h.close();
            }
        }
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

        StoreWrite w = written().get(2);
        assertEquals(1_000, w.version);
        // both neighbours of b of strength 9 (i1 = 2 first, a = 1); a, touched last, is first on the board
        assertArrayEquals(new String[] {"i1", "a"}, w.items, "nothing is excluded: the user's history expired");
        Pools now = new Pools().covisit("i1", 2).covisit("a", 1).offer(GLOBAL, "a", "i1");
        assertArrayEquals(now.priors("i1", "a"), w.scores, P_EPS);
        assertTrue(w.scores[1] > prior(now.get("a"), COVISIT), "a is a neighbour and popular");
        assertTrue(outcomes().stream().noneMatch(o -> o.item.equals("b")), "a restarted sequence's first event");
    }

    @Test
    void touchesBufferedBeforeTheRankingExpiredAreNeverApplied() throws Exception {
        open(config(JobConfig.Exclude.SEEN));
        long ttl = Duration.ofHours(1).toMillis();
        harness.setStateTtlProcessingTime(0);
        harness.processElement(touch("u1", 1, 0, EventType.VIEW, "i1", null, new String[] {"a"}, new double[] {1}), T0);
        // seq 1 never comes: seq 2 waits in the buffer, written with the ranking
        harness.processElement(touch("u1", 1, 2, EventType.VIEW, "old", null, new String[] {"z"}, new double[] {9}), T0);

        harness.setStateTtlProcessingTime(ttl); // both expire together: a new user, nothing to clear
        harness.processElement(touch("u1", 2, 0, EventType.VIEW, "b", null, new String[] {"c"}, new double[] {1}), T0 + 1);
        harness.processElement(touch("u1", 2, 1, EventType.VIEW, "c", null, new String[] {"d"}, new double[] {1}), T0 + 2);

        List<StoreWrite> out = written();
        assertEquals(3, out.size(), "i1, then b and c of the new sequence: the expired seq 2 ('old') is not applied");
        assertTrue(Arrays.stream(out.get(2).items).noneMatch(i -> i.equals("old") || i.equals("z")));
        harness.processElement(touch("u1", 2, 2, EventType.VIEW, "e", null, new String[] {"f"}, new double[] {1}), T0 + 3);
        assertEquals(4, written().size(), "the new sequence's own seq 2 is applied");
    }

    @Test
    void calibratedLearnsFromTheSampledTargetsOnly() throws Exception {
        String sampled = user(true);
        String skipped = user(false);
        // served [a, b]; then a is a target and a hit, against the pool [a = 2, b = 1]; a brings d = 2, e = 1
        Pools before = new Pools().covisit("a", 2).covisit("b", 1);
        // seeds a (d, e) and i1 (a excluded, b = 1/2): d in a's slot, e in b's, b alone in a new one
        Pools now = new Pools().covisit("d", 2).covisit("e", 1).covisit("b", 0.5);
        assertEquals(SourceCalibration.slot(before.get("a"), COVISIT), SourceCalibration.slot(now.get("d"), COVISIT));
        assertEquals(SourceCalibration.slot(before.get("b"), COVISIT), SourceCalibration.slot(now.get("e"), COVISIT));

        StoreWrite w = hitScenario(JobConfig.Models.CALIBRATED, sampled);
        SourceCalibration learned = learned(before, "a");
        assertArrayEquals(new String[] {"d", "e", "b"}, w.items);
        assertArrayEquals(now.probabilities(learned, "d", "e", "b"), w.scores, P_EPS);
        assertTrue(w.scores[0] > prior(now.get("d")), "d is in the slot that hit");
        assertTrue(w.scores[1] < prior(now.get("e")), "e is in a slot that missed");
        assertEquals(1, calibration().targets());
        assertEquals(1, counter("targets"));
        harness.close();

        // a target outside the sample teaches nothing
        w = hitScenario(JobConfig.Models.CALIBRATED, skipped);
        assertArrayEquals(now.priors("d", "e", "b"), w.scores, P_EPS);
        assertEquals(0, calibration().targets());
        assertEquals(1, counter("targets"));
        harness.close();

        // nor does the fixed order, sampled or not
        w = hitScenario(JobConfig.Models.COVISIT, sampled);
        assertArrayEquals(now.priors("d", "e", "b"), w.scores, P_EPS);
        assertEquals(0, calibration().targets());
    }

    /** The user's list after a first touch (i1: a = 2, b = 1) and a second, of the served a (d = 2, e = 1). */
    private StoreWrite hitScenario(JobConfig.Models models, String user) throws Exception {
        JobConfig config = config(JobConfig.Exclude.SEEN);
        config.models = models;
        open(config);
        harness.processElement(touch(user, 1, 0, EventType.VIEW, "i1", null, new String[] {"a", "b"}, new double[] {2, 1}), T0);
        assertArrayEquals(new String[] {"a", "b"}, lists(user).get(0).items);
        harness.processElement(touch(user, 1, 1, EventType.VIEW, "a", null, new String[] {"d", "e"}, new double[] {2, 1}), T0 + 1);
        assertEquals(1, counter("hits"));
        return lists(user).get(1);
    }

    @Test
    void theLearnedRankerSurvivesASnapshot() throws Exception {
        JobConfig config = config(JobConfig.Exclude.SEEN);
        config.models = JobConfig.Models.RANKER;
        open(config);
        popular("t1", null, 40);
        popular("t2", null, 30);
        popular("t3", null, 20);
        // users served [a, b, t1] who then take t1: the sampled ones teach the ranker that global rank 0 hits
        int sampled = 0;
        for (int n = 0; n < 24; n++) {
            String user = "r" + n;
            harness.processElement(touch(user, 1, 0, EventType.VIEW, "i" + n, null, new String[] {"a" + n, "b" + n},
                    new double[] {2, 1}), T0);
            Touch target = touch(user, 1, 1, EventType.VIEW, "t1", null, new String[0], new double[0]);
            if (calibrates(target)) sampled++;
            harness.processElement(target, T0 + 1);
        }
        assertTrue(sampled > 0, "some targets in the sample");
        assertEquals(24, counter("hits"));
        assertEquals(sampled, calibration().targets(), "the targets the ranker learned from");
        float[] z = ranker().z().clone();
        float[] n = ranker().n().clone();
        assertTrue(nonZero(z) > 0, "the ranker has learned");
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1_000);
        harness.getOutput().clear();
        RecommendFunction original = function;
        var originalHarness = harness;

        function = new RecommendFunction(config);
        harness = newHarness(function, 1, 1, 0);
        harness.initializeState(snapshot);
        harness.open();
        assertArrayEquals(z, ranker().z(), 0f);
        assertArrayEquals(n, ranker().n(), 0f);
        assertEquals(sampled, calibration().targets());

        // the same touches on both: a new user, a returning one (keyed state restored too) and more targets
        List<Touch> next = new ArrayList<>();
        next.add(touch("probe", 1, 0, EventType.VIEW, "p", null, new String[] {"x", "y"}, new double[] {2, 1}));
        next.add(touch("r0", 1, 2, EventType.VIEW, "i1", null, new String[] {"c0"}, new double[] {3}));
        for (int k = 24; k < 32; k++) {
            next.add(touch("r" + k, 1, 0, EventType.VIEW, "i" + k, null, new String[] {"a" + k}, new double[] {2}));
            next.add(touch("r" + k, 1, 1, EventType.VIEW, "t2", null, new String[0], new double[0]));
        }
        next.add(touch("probe", 1, 1, EventType.VIEW, "q", null, new String[] {"x2", "y2"}, new double[] {2, 1}));
        List<StoreWrite> restored = new ArrayList<>();
        List<StoreWrite> continued = new ArrayList<>();
        try {
            for (Touch t : next) {
                harness.processElement(copy(t), t.event.ts);
                originalHarness.processElement(copy(t), t.event.ts);
            }
            restored.addAll(written());
            continued.addAll(checked(originalHarness.extractOutputValues()));
        } finally {
            originalHarness.close();
        }

        assertEquals(describe(continued), describe(restored));
        StoreWrite probe = restored.get(0);
        assertArrayEquals(new String[] {"x", "y", "t1"}, probe.items);
        Pools pool = new Pools().covisit("x", 2).covisit("y", 1).offer(GLOBAL, "t1", "t2", "t3");
        double[] priors = pool.priors("x", "y", "t1");
        // t1's slot learned more than the bias that lifts every candidate alike
        assertTrue(probe.scores[2] / priors[2] > 1.05 * probe.scores[0] / priors[0], "t1's slot learned: "
                + probe.scores[2] + " against the prior " + priors[2]);
        assertArrayEquals(ranker(original).z(), ranker().z(), 0f, "and they learned on alike");
    }

    /** Whether the function teaches its calibration and ranker with this target (the private sampling rule). */
    private static boolean calibrates(Touch t) throws Exception {
        Method m = RecommendFunction.class.getDeclaredMethod("calibrates", Touch.class);
        m.setAccessible(true);
        return (boolean) m.invoke(null, t);
    }

    /** A user whose second touch is (or is not) in the calibration sample. */
    private static String user(boolean sampled) throws Exception {
        for (int n = 0; ; n++) {
            String user = "u" + n;
            if (calibrates(touch(user, 1, 1, EventType.VIEW, "x", null, new String[0], new double[0])) == sampled) {
                return user;
            }
        }
    }

    private SourceCalibration calibration() throws Exception {
        Field f = RecommendFunction.class.getDeclaredField("calibration");
        f.setAccessible(true);
        return (SourceCalibration) f.get(function);
    }

    private LearnedRanker ranker() throws Exception {
        return ranker(function);
    }

    private static LearnedRanker ranker(RecommendFunction f) throws Exception {
        Field field = RecommendFunction.class.getDeclaredField("ranker");
        field.setAccessible(true);
        return (LearnedRanker) field.get(f);
    }

    private static int nonZero(float[] v) {
        int n = 0;
        for (float x : v) if (x != 0) n++;
        return n;
    }

    private static Touch copy(Touch t) {
        Touch c = touch(t.event.user, t.epoch, t.seq, t.event.type, t.event.item, t.event.category, t.neighbours.clone(),
                t.weights.clone());
        c.itemCategory = t.itemCategory;
        c.itemPopularity = t.itemPopularity;
        return c;
    }

    private static List<String> describe(List<StoreWrite> out) {
        return out.stream().map(w -> w.id + " v" + w.version + " " + List.of(w.items) + " "
                + Arrays.toString(w.scores) + " " + List.of(w.reasons)).collect(Collectors.toList());
    }

    private static void assertOutcome(PrequentialOutcome o, String user, String item, long ts, int rank,
                                      long priorEvents) {
        assertEquals(user, o.user);
        assertEquals(item, o.item);
        assertEquals(ts, o.ts);
        assertEquals(rank, o.rank);
        assertEquals(priorEvents, o.priorEvents);
    }

    /** Keyed state entries on the heap backend: one per (state, user) holding a value or a non-empty map. */
    private int keyedStateEntries() {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    private List<StoreWrite> lists(String user) {
        return written().stream().filter(w -> w.id.equals(user)).collect(Collectors.toList());
    }

    /** Everything the harness published so far, each list checked ({@link #checked}). */
    private List<StoreWrite> written() {
        return checked(harness.extractOutputValues());
    }

    /** Scores are probabilities in (0, 1], one per item, never increasing down the list. */
    static List<StoreWrite> checked(List<StoreWrite> out) {
        for (StoreWrite w : out) {
            assertEquals(w.items.length, w.scores.length, w.id);
            assertEquals(w.items.length, w.reasons.length, w.id);
            for (int i = 0; i < w.scores.length; i++) {
                assertTrue(w.scores[i] > 0 && w.scores[i] <= 1, w.id + ": not a probability: " + w.scores[i]);
                if (i > 0) assertTrue(w.scores[i] <= w.scores[i - 1], w.id + ": scores increase at " + i);
            }
        }
        return out;
    }

    /**
     * A fresh calibration that has learned from the given targets (pool, target item, pool, target item, ...),
     * as the function learns from each target against the user's pool just before it.
     */
    private static SourceCalibration learned(Object... poolsAndTargets) {
        SourceCalibration c = new SourceCalibration(true);
        for (int i = 0; i < poolsAndTargets.length; i += 2) {
            c.observe(((Pools) poolsAndTargets[i]).pool(), (String) poolsAndTargets[i + 1]);
        }
        return c;
    }

    private List<PrequentialOutcome> outcomes() {
        var side = harness.getSideOutput(RecommendFunction.OUTCOMES);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
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

    private RollingQuality quality() throws Exception {
        Field f = RecommendFunction.class.getDeclaredField("quality");
        f.setAccessible(true);
        return (RollingQuality) f.get(function);
    }

    /**
     * Puts {@code item} on the board at popularity {@code value} (at T0) through another user's first touch;
     * that user's own list is full (three neighbours), so it sets no rebuild timer.
     */
    private void popular(String item, String category, double value) throws Exception {
        harness.processElement(popularTouch("fan-" + item, item, category, value), T0);
    }

    /** The same, on a subtask of a parallel harness (the fan's key must belong to it). */
    private static void popular(KeyedOneInputStreamOperatorTestHarness<String, Touch, StoreWrite> h, int subtask,
                                String item, double value) throws Exception {
        h.processElement(popularTouch(fan(item, subtask), item, null, value), T0);
    }

    private static Touch popularTouch(String user, String item, String category, double value) {
        Touch t = touch(user, 1, 0, EventType.VIEW, item, null, new String[] {"n1", "n2", "n3"}, new double[] {3, 2, 1});
        t.itemCategory = category; // what the co-visitation stage knows of the item
        t.itemPopularity = popularity(value, T0);
        return t;
    }

    /** A user name whose key group belongs to {@code subtask} of 2 (max parallelism 2). */
    private static String fan(String item, int subtask) {
        for (int n = 0; ; n++) {
            String user = "fan-" + item + "-" + n;
            if (KeyGroupRangeAssignment.assignKeyToParallelOperator(user, 2, 2) == subtask) return user;
        }
    }

    /** A DecayedScores key worth {@code value} at {@code ts}. */
    private static double popularity(double value, long ts) {
        return DecayedScores.add(DecayedScores.EMPTY, value, ts, HALF_LIFE.toMillis());
    }

    /** A touch as the co-visitation stage sends it: the item's category, and its popularity worth 1 at the event. */
    private static Touch touch(String user, long epoch, long seq, EventType type, String item, String category,
                               String[] neighbours, double[] weights) {
        Event e = new Event(T0 + seq, type, user, item, category);
        Touch t = new Touch(e, epoch, seq, neighbours, weights);
        t.itemCategory = category;
        t.itemPopularity = popularity(1, e.ts);
        return t;
    }
}

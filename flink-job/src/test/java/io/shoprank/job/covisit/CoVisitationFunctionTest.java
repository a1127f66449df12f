package io.shoprank.job.covisit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.job.JobConfig;
import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventType;
import io.shoprank.job.features.DecayedScores;
import io.shoprank.job.model.ConversionInputs;
import io.shoprank.job.model.TrainingExample;
import io.shoprank.job.model.ftrl.ConversionFeatures;
import io.shoprank.job.model.ftrl.FeatureHasher;
import io.shoprank.job.model.ftrl.HashedFeatures;
import io.shoprank.store.StoreWrite;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The item-keyed co-visitation stage: pair accumulation, touches (with the item's popularity and category),
 * similar items, eviction and TTL.
 */
class CoVisitationFunctionTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final Duration STATE_TTL = Duration.ofHours(1);
    private static final long TTL_MS = STATE_TTL.toMillis();
    private static final Duration REDIS_TTL = Duration.ofDays(7);
    private static final double EPS = 1e-12;
    private static final Duration HALF_LIFE = Duration.ofHours(6);
    private static final double HALF_LIFE_MS = HALF_LIFE.toMillis();

    private KeyedOneInputStreamOperatorTestHarness<String, CoVisitMessage, Touch> harness;

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) harness.close();
    }

    private void open(int maxNeighbours, int similarSize) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new CoVisitationFunction(maxNeighbours, similarSize, STATE_TTL, REDIS_TTL,
                        HALF_LIFE)),
                m -> m.item, Types.STRING);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        harness.open();
    }

    @Test
    void pairUpdatesAloneEmitNothing() throws Exception {
        open(5, 5);

        pairs("i1", "a", 1.0);
        pairs("i1", "b", 3.0);

        assertTrue(harness.extractOutputValues().isEmpty());
        assertTrue(similar().isEmpty());
    }

    @Test
    void touchCarriesAccumulatedNeighboursStrongestFirst() throws Exception {
        open(5, 5);
        pairs("i1", "a", 1.0);
        pairs("i1", "b", 3.0);
        pairs("i1", "a", 0.25);
        Event e = view("u1", "i1", T0, 99);

        touch(e, 7, 4, new String[] {"a", "c"}, new double[] {0.5, 2.0});

        List<Touch> out = harness.extractOutputValues();
        assertEquals(1, out.size());
        Touch t = out.get(0);
        assertEquals(e, t.event);
        assertEquals(7, t.epoch);
        assertEquals(4, t.seq);
        assertArrayEquals(new String[] {"b", "c", "a"}, t.neighbours, "the touch's own pairs count already");
        assertArrayEquals(new double[] {3.0, 2.0, 1.75}, t.weights, EPS);
    }

    @Test
    void touchPublishesTheSimilarItemsList() throws Exception {
        open(5, 2);
        pairs("i1", "a", 1.0);
        pairs("i1", "b", 3.0);
        pairs("i1", "c", 2.0);

        touch(view("u1", "i1", T0, 99), 0, 0, new String[0], new double[0]);
        touch(view("u2", "i1", T0 + 10, 100), 0, 0, new String[0], new double[0]);
        assertEquals(1, similar().size(), "a touch that changes neither the items nor their order publishes nothing");
        pairs("i1", "c", 1.5); // c (3.5) overtakes b (3.0)
        touch(view("u3", "i1", T0 + 20, 101), 0, 0, new String[0], new double[0]);

        List<StoreWrite> similar = similar();
        assertEquals(2, similar.size());
        StoreWrite w = similar.get(0);
        assertEquals(StoreWrite.Kind.SIMILAR_ITEMS, w.kind);
        assertEquals("i1", w.id);
        assertEquals(1, w.version);
        assertEquals(T0, w.asOfTs);
        assertEquals(REDIS_TTL.toMillis(), w.ttlMs);
        assertEquals(99, w.ingestMs);
        assertArrayEquals(new String[] {"b", "c"}, w.items, "cut to the list size");
        assertArrayEquals(new double[] {3.0, 2.0}, w.scores, EPS);
        assertEquals(2, similar.get(1).version, "the list version grows with every publication");
        assertEquals(T0 + 20, similar.get(1).asOfTs);
        assertArrayEquals(new String[] {"c", "b"}, similar.get(1).items);
        assertEquals(3, harness.extractOutputValues().get(0).neighbours.length,
                "the touch carries up to maxNeighbours, more than the similar list");
    }

    @Test
    void itemsAreKeptApart() throws Exception {
        open(5, 5);
        pairs("i1", "a", 1.0);
        pairs("i2", "b", 2.0);

        touch(view("u1", "i2", T0, 0), 0, 0, new String[0], new double[0]);

        assertArrayEquals(new String[] {"b"}, harness.extractOutputValues().get(0).neighbours);
        assertEquals(1, similar().get(0).version, "versions are per item");
    }

    @Test
    void overflowBeyondTwiceMaxNeighboursEvictsDownToTheStrongest() throws Exception {
        open(2, 2);
        pairs("i1", "a", 1.0);
        pairs("i1", "b", 2.0);
        pairs("i1", "c", 3.0);
        pairs("i1", "d", 4.0); // 4 = 2 x maxNeighbours entries: still within bounds

        pairs("i1", "e", 0.5);  // 5 entries: keep d and c, evict b, a and e

        // a comes back from zero; had it survived it would weigh 1 + 3.5 = 4.5 and lead
        touch(view("u1", "i1", T0, 0), 0, 0, new String[] {"a"}, new double[] {3.5});
        Touch t = harness.extractOutputValues().get(0);
        assertArrayEquals(new String[] {"d", "a"}, t.neighbours);
        assertArrayEquals(new double[] {4.0, 3.5}, t.weights, EPS);
    }

    @Test
    void entryCountStaysRightAfterAnEviction() throws Exception {
        open(2, 2);
        for (String id : new String[] {"a", "b", "c", "d", "e"}) {
            pairs("i1", id, id.charAt(0) - 'a' + 1.0); // a=1 .. e=5; e overflows: d and e stay
        }

        pairs("i1", "x", 0.1); // 3 entries
        pairs("i1", "y", 0.2); // 4 entries: no eviction yet
        pairs("i1", "x", 6.0); // x = 6.1 only if it survived the previous updates

        touch(view("u1", "i1", T0, 0), 0, 0, new String[0], new double[0]);
        Touch t = harness.extractOutputValues().get(0);
        assertArrayEquals(new String[] {"x", "e"}, t.neighbours);
        assertArrayEquals(new double[] {6.1, 5.0}, t.weights, EPS);
    }

    @Test
    void expiredNeighbourEntriesDoNotCountTowardsTheBound() throws Exception {
        open(2, 2);
        harness.setStateTtlProcessingTime(0);
        pairs("i1", "a", 1.0);
        harness.setStateTtlProcessingTime(TTL_MS / 2);
        pairs("i1", "b", 2.0);
        pairs("i1", "c", 3.0);

        harness.setStateTtlProcessingTime(TTL_MS); // a has expired, the rest lives on
        pairs("i1", "d", 4.0);
        pairs("i1", "e", 5.0); // b, c, d, e: 4 live entries, within 2 x maxNeighbours
        pairs("i1", "b", 10.0);

        touch(view("u1", "i1", T0, 0), 0, 0, new String[0], new double[0]);
        Touch t = harness.extractOutputValues().get(0);
        assertArrayEquals(new String[] {"b", "e"}, t.neighbours);
        assertArrayEquals(new double[] {12.0, 5.0}, t.weights, EPS, "b kept its weight: nothing was evicted");
    }

    @Test
    void expiredItemForgetsItsNeighboursAndRestartsItsListVersion() throws Exception {
        open(5, 5);
        harness.setStateTtlProcessingTime(0);
        pairs("i1", "a", 1.0);
        touch(view("u1", "i1", T0, 0), 0, 0, new String[] {"b"}, new double[] {2.0});
        harness.setStateTtlProcessingTime(TTL_MS - 1);
        touch(view("u1", "i1", T0 + 1, 0), 0, 1, new String[0], new double[0]);
        assertArrayEquals(new String[] {"b", "a"}, harness.extractOutputValues().get(1).neighbours,
                "alive one ms before the TTL");

        harness.setStateTtlProcessingTime(2 * TTL_MS);
        touch(view("u1", "i1", T0 + 2, 0), 0, 2, new String[] {"c"}, new double[] {1.0});

        Touch t = harness.extractOutputValues().get(2);
        assertArrayEquals(new String[] {"c"}, t.neighbours);
        assertEquals(2, similar().size(), "the second touch left the list unchanged and published nothing");
        assertEquals(1, similar().get(1).version);
    }

    @Test
    void touchCarriesTheItemsPopularityAndCategory() throws Exception {
        open(5, 5);

        touch(event(EventType.VIEW, "u1", "i1", "shoes", T0), 0, 0, new String[0], new double[0]);

        Touch t = harness.extractOutputValues().get(0);
        assertEquals("shoes", t.itemCategory);
        // a first view: worth 1 at its own time, so the key is log2(1) + T0 / halfLife
        assertEquals(T0 / HALF_LIFE_MS, t.itemPopularity, EPS);
        assertEquals(1.0, DecayedScores.valueAt(t.itemPopularity, T0, HALF_LIFE_MS), EPS);
    }

    @Test
    void popularityAccumulatesWithDecayAndEventWeights() throws Exception {
        open(5, 5);
        long oneHalfLife = HALF_LIFE.toMillis();
        touch(event(EventType.VIEW, "u1", "i1", "shoes", T0), 0, 0, new String[0], new double[0]);

        // a purchase (weight 4) one half-life later, from an event without a category
        touch(event(EventType.PURCHASE, "u2", "i1", null, T0 + oneHalfLife), 0, 0, new String[0], new double[0]);

        Touch t = harness.extractOutputValues().get(1);
        assertEquals("shoes", t.itemCategory, "the category last seen is kept");
        assertEquals(1.0 / 2 + 4, DecayedScores.valueAt(t.itemPopularity, T0 + oneHalfLife, HALF_LIFE_MS), 1e-9);
        assertEquals(4.5 / 2, DecayedScores.valueAt(t.itemPopularity, T0 + 2 * oneHalfLife, HALF_LIFE_MS), 1e-9);
        assertTrue(t.itemPopularity > harness.extractOutputValues().get(0).itemPopularity, "keys never decrease");
    }

    @Test
    void aNewCategoryReplacesTheOldOne() throws Exception {
        open(5, 5);
        touch(event(EventType.VIEW, "u1", "i1", "shoes", T0), 0, 0, new String[0], new double[0]);

        touch(event(EventType.VIEW, "u1", "i1", "boots", T0), 0, 1, new String[0], new double[0]);

        Touch t = harness.extractOutputValues().get(1);
        assertEquals("boots", t.itemCategory);
        assertEquals(2.0, DecayedScores.valueAt(t.itemPopularity, T0, HALF_LIFE_MS), 1e-9);
    }

    @Test
    void popularityIsPerItemAndPairUpdatesDoNotCount() throws Exception {
        open(5, 5);
        touch(event(EventType.CART, "u1", "i1", "c1", T0), 0, 0, new String[0], new double[0]);
        pairs("i2", "i1", 5.0);
        pairs("i2", "i3", 5.0);

        touch(event(EventType.FAV, "u1", "i2", null, T0), 0, 1, new String[0], new double[0]);

        List<Touch> out = harness.extractOutputValues();
        assertEquals(3.0, DecayedScores.valueAt(out.get(0).itemPopularity, T0, HALF_LIFE_MS), 1e-9);
        Touch t = out.get(1);
        assertEquals(2.0, DecayedScores.valueAt(t.itemPopularity, T0, HALF_LIFE_MS), 1e-9, "i2's fav only");
        assertNull(t.itemCategory, "i2 never came with a category");
    }

    @Test
    void expiredItemForgetsItsPopularityAndCategory() throws Exception {
        open(5, 5);
        harness.setStateTtlProcessingTime(0);
        touch(event(EventType.PURCHASE, "u1", "i1", "shoes", T0), 0, 0, new String[0], new double[0]);

        harness.setStateTtlProcessingTime(TTL_MS);
        touch(event(EventType.VIEW, "u1", "i1", null, T0 + 1), 0, 1, new String[0], new double[0]);

        Touch t = harness.extractOutputValues().get(1);
        assertNull(t.itemCategory);
        assertEquals(1.0, DecayedScores.valueAt(t.itemPopularity, T0 + 1, HALF_LIFE_MS), 1e-9,
                "starts over: the purchase is forgotten");
    }

    // --- training examples for the online models (label join, interactions)

    private static final Duration LABEL_WINDOW = Duration.ofMinutes(30);
    private static final long WINDOW_MS = LABEL_WINDOW.toMillis();
    private static final int DIM = 1 << 16;
    private static final long SEED = 42;
    /** The timer that closes the label windows of views at T0 (T0 is a whole second: windows close on one). */
    private static final long CLOSE_T0 = T0 + WINDOW_MS;

    private void openWithModels(JobConfig.Models models) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new CoVisitationFunction(5, 5, STATE_TTL, REDIS_TTL, HALF_LIFE, models,
                        LABEL_WINDOW, DIM, SEED)),
                m -> m.item, Types.STRING);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        harness.open();
    }

    private List<TrainingExample> examples() {
        var side = harness.getSideOutput(CoVisitationFunction.EXAMPLES);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    private List<TrainingExample> examples(TrainingExample.Kind kind) {
        return examples().stream().filter(e -> e.kind == kind).collect(Collectors.toList());
    }

    /** A touch carrying the user's side of the conversion features. */
    private void userTouch(EventType type, String user, String item, long ts, long seq, double share, boolean top,
                           long lastTs) throws Exception {
        CoVisitMessage m = CoVisitMessage.touch(event(type, user, item, "shoes", ts), 0, seq, new String[0], new double[0]);
        m.categoryShare = share;
        m.topCategory = top;
        m.userLastTs = lastTs;
        harness.processElement(m, ts);
    }

    private void simpleTouch(EventType type, String user, String item, long ts) throws Exception {
        touch(event(type, user, item, null, ts), 0, 0, new String[0], new double[0]);
    }

    @Test
    void aCartWithinTheWindowLabelsTheViewPositiveWithTheFeaturesOfTheView() throws Exception {
        openWithModels(JobConfig.Models.ALL);
        userTouch(EventType.VIEW, "u1", "i1", T0, 3, 0.6, true, T0 - 90_000);
        // the item changes before the cart: more views (and popularity) from others
        for (int k = 0; k < 10; k++) userTouch(EventType.VIEW, "v" + k, "i1", T0 + 1_000 + k, 0, 0, false, 0);

        userTouch(EventType.CART, "u1", "i1", T0 + 60_000, 4, 0.7, true, T0);

        List<TrainingExample> conv = examples(TrainingExample.Kind.CONVERSION);
        assertEquals(1, conv.size());
        TrainingExample e = conv.get(0);
        assertTrue(e.label);
        assertEquals(T0 + 60_000, e.ts, "at the label");
        assertEquals(ConversionFeatures.FIELDS, e.idx.length);
        assertNull(e.val, "every feature has value 1: no values travel");
        assertEquals(ConversionFeatures.FIELDS, e.values().length);
        ConversionFeatures features = new ConversionFeatures(new FeatureHasher(DIM));
        // as of the view: the view counts in the popularity, not yet in the views; no co-visitation, no price
        double keyAtView = DecayedScores.add(DecayedScores.EMPTY, 1.0, T0, HALF_LIFE_MS);
        HashedFeatures atView = features.features(ConversionInputs.of(
                new ConversionInputs.User(0.6, true, 3, T0 - 90_000),
                new ConversionInputs.Item("shoes", keyAtView, 0, 0, Double.NaN), 0, T0, HALF_LIFE_MS));
        assertArrayEquals(atView.idx(), e.idx);
        assertArrayEquals(atView.val(), e.values());
        double keyLater = keyAtView;
        for (int k = 0; k < 10; k++) keyLater = DecayedScores.add(keyLater, 1.0, T0 + 1_000 + k, HALF_LIFE_MS);
        HashedFeatures later = features.features(ConversionInputs.of(
                new ConversionInputs.User(0.6, true, 3, T0 - 90_000),
                new ConversionInputs.Item("shoes", keyLater, 11, 0, Double.NaN), 0, T0, HALF_LIFE_MS));
        assertFalse(Arrays.equals(later.idx(), e.idx), "the item's later state would give other features");

        harness.processWatermark(CLOSE_T0 + 10_000);
        assertEquals(11, examples(TrainingExample.Kind.CONVERSION).size(), "the others' views close as negatives");
        assertEquals(1, examples(TrainingExample.Kind.CONVERSION).stream().filter(x -> x.label).count(),
                "u1's view is labelled once");
    }

    @Test
    void aPurchaseLabelsTooAndOnlyTheFirstViewWaits() throws Exception {
        openWithModels(JobConfig.Models.ALL);
        simpleTouch(EventType.VIEW, "u1", "i1", T0);
        simpleTouch(EventType.CLICK, "u1", "i1", T0 + 5_000); // u1 already has a pending view of i1

        simpleTouch(EventType.PURCHASE, "u1", "i1", T0 + WINDOW_MS);
        simpleTouch(EventType.PURCHASE, "u1", "i1", T0 + WINDOW_MS + 1);
        harness.processWatermark(CLOSE_T0 + 10_000);

        List<TrainingExample> conv = examples(TrainingExample.Kind.CONVERSION);
        assertEquals(1, conv.size(), "one view, one example: the second purchase finds nothing waiting");
        assertTrue(conv.get(0).label, "a purchase at exactly the window's end still counts");
        assertEquals(T0 + WINDOW_MS, conv.get(0).ts);
    }

    @Test
    void aViewWithoutACartBecomesANegativeWhenTheWatermarkClosesItsWindow() throws Exception {
        openWithModels(JobConfig.Models.ALL);
        simpleTouch(EventType.VIEW, "u1", "i1", T0);

        harness.processWatermark(CLOSE_T0 - 1);
        assertTrue(examples(TrainingExample.Kind.CONVERSION).isEmpty(), "the window is still open");

        harness.processWatermark(CLOSE_T0);
        List<TrainingExample> conv = examples(TrainingExample.Kind.CONVERSION);
        assertEquals(1, conv.size());
        assertFalse(conv.get(0).label);
        assertEquals(T0 + WINDOW_MS, conv.get(0).ts, "at the window's end");
        assertEquals(ConversionFeatures.FIELDS, conv.get(0).idx.length);

        simpleTouch(EventType.CART, "u1", "i1", CLOSE_T0 + 1);
        assertEquals(1, examples(TrainingExample.Kind.CONVERSION).size(), "a late cart labels nothing");
    }

    /**
     * A cart after the label window but before the watermark closed it removes the pending view without any
     * example, so the view's negative is lost (and the labels lean positive). Disabled until
     * CoVisitationFunction.label emits the negative in that case (see the report).
     */
    @Test
    void aCartAfterTheWindowStillLeavesTheViewANegative() throws Exception {
        openWithModels(JobConfig.Models.ALL);
        simpleTouch(EventType.VIEW, "u1", "i1", T0);

        simpleTouch(EventType.CART, "u1", "i1", T0 + WINDOW_MS + 1); // the watermark has not closed the window yet
        harness.processWatermark(CLOSE_T0 + 10_000);

        List<TrainingExample> conv = examples(TrainingExample.Kind.CONVERSION);
        assertEquals(1, conv.size(), "every view that waited gives exactly one example");
        assertFalse(conv.get(0).label);
        assertEquals(T0 + WINDOW_MS, conv.get(0).ts);
    }

    @Test
    void aCartByAnotherUserDoesNotLabelTheView() throws Exception {
        openWithModels(JobConfig.Models.ALL);
        simpleTouch(EventType.VIEW, "u1", "i1", T0);
        simpleTouch(EventType.VIEW, "u1", "i2", T0);

        simpleTouch(EventType.CART, "u2", "i1", T0 + 1_000);
        simpleTouch(EventType.CART, "u1", "i2", T0 + 1_000); // the same user, another item
        assertEquals(1, examples(TrainingExample.Kind.CONVERSION).size());
        harness.processWatermark(CLOSE_T0);

        List<TrainingExample> conv = examples(TrainingExample.Kind.CONVERSION);
        assertEquals(2, conv.size());
        assertTrue(conv.get(0).label, "u1's view of i2");
        assertFalse(conv.get(1).label, "u1's view of i1: u2's cart is not u1's");
    }

    @Test
    void viewsBeyondTheBoundAreNotLabelled() throws Exception {
        openWithModels(JobConfig.Models.ALL);
        int max = CoVisitationFunction.MAX_PENDING_VIEWS;
        for (int k = 0; k < max; k++) simpleTouch(EventType.VIEW, "u" + k, "i1", T0);
        simpleTouch(EventType.VIEW, "late", "i1", T0 + 1);

        simpleTouch(EventType.CART, "late", "i1", T0 + 2);
        assertTrue(examples(TrainingExample.Kind.CONVERSION).isEmpty(), "the view beyond the bound never waited");
        simpleTouch(EventType.CART, "u0", "i1", T0 + 3);
        harness.processWatermark(CLOSE_T0 + 10_000);

        List<TrainingExample> conv = examples(TrainingExample.Kind.CONVERSION);
        assertEquals(max, conv.size(), "one example per view that waited");
        assertEquals(1, conv.stream().filter(e -> e.label).count());
        assertTrue(examples(TrainingExample.Kind.INTERACTION).isEmpty(), "one item only: no negatives to draw");
    }

    @Test
    void closedWindowsFreeTheBoundForLaterViews() throws Exception {
        openWithModels(JobConfig.Models.ALL);
        int max = CoVisitationFunction.MAX_PENDING_VIEWS;
        for (int k = 0; k < max; k++) simpleTouch(EventType.VIEW, "u" + k, "i1", T0);
        harness.processWatermark(CLOSE_T0); // every window closes: max negatives
        assertEquals(max, examples(TrainingExample.Kind.CONVERSION).size());

        // the item's count of pending views was not written back when the windows closed: it is recounted
        long later = T0 + WINDOW_MS + 10_000;
        simpleTouch(EventType.VIEW, "again", "i1", later);
        simpleTouch(EventType.CART, "again", "i1", later + 1);
        List<TrainingExample> conv = examples(TrainingExample.Kind.CONVERSION);
        assertEquals(max + 1, conv.size(), "the later view waited and was labelled");
        assertTrue(conv.get(max).label);
    }

    @Test
    void aWindowEndingWithinASecondClosesAtTheNextWholeSecondAndTheStateGoesWithTheLastView() throws Exception {
        openWithModels(JobConfig.Models.ALL);
        simpleTouch(EventType.VIEW, "u1", "i1", T0 + 1);
        simpleTouch(EventType.VIEW, "u2", "i1", T0 + 999);
        simpleTouch(EventType.VIEW, "u3", "i1", T0 + 1_000);
        assertEquals(1, harness.numEventTimeTimers(), "all three windows end by the same whole second");

        harness.processWatermark(CLOSE_T0 + 999);
        assertTrue(examples(TrainingExample.Kind.CONVERSION).isEmpty(), "windows ending within the second wait for its end");
        harness.processWatermark(CLOSE_T0 + 1_000);
        List<TrainingExample> conv = examples(TrainingExample.Kind.CONVERSION);
        assertEquals(3, conv.size(), "u3's window ends at the same whole second");
        assertEquals(List.of(T0 + 1 + WINDOW_MS, T0 + 999 + WINDOW_MS, T0 + 1_000 + WINDOW_MS),
                conv.stream().map(e -> e.ts).collect(Collectors.toList()), "in view order, each at its window's end");
        assertEquals(0, harness.numEventTimeTimers());
        assertEquals(1, harness.numKeyedStateEntries(), "no views wait: the item's meta alone is left");
    }

    @Test
    void anItemHoldsOneTimerForItsEarliestWindowAndEachTimerSetsTheNext() throws Exception {
        openWithModels(JobConfig.Models.ALL);
        simpleTouch(EventType.VIEW, "u1", "i1", T0);
        simpleTouch(EventType.VIEW, "u2", "i1", T0 + 5_000);
        simpleTouch(EventType.VIEW, "u3", "i1", T0 + 9_000);
        simpleTouch(EventType.VIEW, "u1", "i2", T0 + 2_000);
        assertEquals(2, harness.numEventTimeTimers(), "one per item, for its earliest waiting view");
        simpleTouch(EventType.VIEW, "u4", "i2", T0 + 1_000); // late: its window closes before the one set
        assertEquals(3, harness.numEventTimeTimers(), "an earlier window gets its own timer");

        simpleTouch(EventType.CART, "u1", "i1", T0 + 10); // takes the view the item's timer was set for
        harness.processWatermark(CLOSE_T0 + 2_000); // i1's timer closes nothing but sets the next; i2's close both
        List<TrainingExample> conv = examples(TrainingExample.Kind.CONVERSION);
        assertEquals(List.of(true, false, false), conv.stream().map(e -> e.label).collect(Collectors.toList()));
        assertEquals(List.of(T0 + 10, T0 + 1_000 + WINDOW_MS, T0 + 2_000 + WINDOW_MS),
                conv.stream().map(e -> e.ts).collect(Collectors.toList()));
        assertEquals(1, harness.numEventTimeTimers(), "i1's next window (u2's); i2 has none left");

        harness.processWatermark(CLOSE_T0 + 5_000); // u2's window; its timer sets u3's
        assertEquals(4, examples(TrainingExample.Kind.CONVERSION).size());
        assertEquals(1, harness.numEventTimeTimers());
        harness.processWatermark(CLOSE_T0 + 9_000);
        conv = examples(TrainingExample.Kind.CONVERSION);
        assertEquals(List.of(T0 + 5_000 + WINDOW_MS, T0 + 9_000 + WINDOW_MS),
                conv.subList(3, 5).stream().map(e -> e.ts).collect(Collectors.toList()), "each at its window's end");
        assertEquals(0, harness.numEventTimeTimers());
        assertEquals(2, harness.numKeyedStateEntries(), "no views wait: the two items' meta alone");
    }

    @Test
    void aCartTakingTheLastWaitingViewClearsTheState() throws Exception {
        openWithModels(JobConfig.Models.ALL);
        simpleTouch(EventType.VIEW, "u1", "i1", T0);
        simpleTouch(EventType.VIEW, "u2", "i1", T0);
        assertEquals(2, harness.numKeyedStateEntries(), "the item's meta and its waiting views");
        simpleTouch(EventType.CART, "u1", "i1", T0 + 1);
        assertEquals(2, harness.numKeyedStateEntries(), "u2's view still waits");
        simpleTouch(EventType.PURCHASE, "u2", "i1", T0 + 2);
        assertEquals(1, harness.numKeyedStateEntries(), "none waits: the meta alone");
        assertEquals(2, examples(TrainingExample.Kind.CONVERSION).stream().filter(e -> e.label).count());

        harness.processWatermark(CLOSE_T0 + 10_000); // the timer finds nothing
        assertEquals(2, examples(TrainingExample.Kind.CONVERSION).size());
    }

    @Test
    void viewsWaitingInTheMapStateOfEarlierVersionsAreLabelledAndClosedAfterARestore() throws Exception {
        // state as versions before PendingViews wrote it: a map entry per user, a timer at the second's .999
        var legacy = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new LegacyLabelJoin()), (CoVisitMessage m) -> m.item, Types.STRING);
        legacy.open();
        legacy.processElement(CoVisitMessage.touch(event(EventType.VIEW, "u1", "i1", null, T0), 0, 0,
                new String[0], new double[0]), T0);
        legacy.processElement(CoVisitMessage.touch(event(EventType.VIEW, "u2", "i1", null, T0), 0, 0,
                new String[0], new double[0]), T0);
        var snapshot = legacy.snapshot(1, 1);
        legacy.close();

        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new CoVisitationFunction(5, 5, STATE_TTL, REDIS_TTL, HALF_LIFE,
                        JobConfig.Models.ALL, LABEL_WINDOW, DIM, SEED)),
                m -> m.item, Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        simpleTouch(EventType.VIEW, "u3", "i1", T0 + 10); // waits in the new state
        simpleTouch(EventType.CART, "u1", "i1", T0 + 20);
        List<TrainingExample> conv = examples(TrainingExample.Kind.CONVERSION);
        assertEquals(1, conv.size());
        assertTrue(conv.get(0).label, "u1's view from the old state is labelled by the cart");
        assertArrayEquals(new int[] {1, 2}, conv.get(0).idx);

        harness.processWatermark(T0 + WINDOW_MS + 999); // the old timer
        conv = examples(TrainingExample.Kind.CONVERSION);
        assertEquals(2, conv.size(), "u2's old view closes as a negative; u3's window is still open");
        assertFalse(conv.get(1).label);
        assertEquals(T0 + WINDOW_MS, conv.get(1).ts);
        harness.processWatermark(T0 + WINDOW_MS + 1_000);
        assertEquals(3, examples(TrainingExample.Kind.CONVERSION).size(), "u3's view closes on the new timer");
    }

    /** The label join's state as versions before {@link PendingViews} kept it (name, types, TTL, timers). */
    private static final class LegacyLabelJoin
            extends org.apache.flink.streaming.api.functions.KeyedProcessFunction<String, CoVisitMessage, Touch> {
        private transient org.apache.flink.api.common.state.MapState<String, PendingView> views;

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
            var d = new org.apache.flink.api.common.state.MapStateDescriptor<>("pending-views", String.class,
                    PendingView.class);
            d.enableTimeToLive(io.shoprank.job.StateTtl.of(STATE_TTL));
            views = getRuntimeContext().getMapState(d);
        }

        @Override
        public void processElement(CoVisitMessage m, Context ctx, org.apache.flink.util.Collector<Touch> out)
                throws Exception {
            views.put(m.event.user, new PendingView(m.event.ts, new int[] {1, 2}, new float[] {1f, 1f}));
            ctx.timerService().registerEventTimeTimer((m.event.ts + WINDOW_MS) / 1000 * 1000 + 999);
        }
    }

    @Test
    void withoutModelsThereAreNoExamples() throws Exception {
        openWithModels(JobConfig.Models.COVISIT);
        simpleTouch(EventType.VIEW, "u1", "i1", T0);
        simpleTouch(EventType.VIEW, "u1", "i2", T0 + 1);
        touch(event(EventType.CART, "u1", "i1", null, T0 + 2), 0, 2, new String[] {"i2"}, new double[] {1});
        simpleTouch(EventType.VIEW, "u2", "i3", T0 + 3);
        harness.processWatermark(CLOSE_T0 + 10_000);

        assertTrue(examples().isEmpty());
        assertEquals(4, harness.extractOutputValues().size(), "the touches go on as before");
    }

    @Test
    void conversionOnlyMakesNoInteractionsAndEmbeddingsOnlyNoConversions() throws Exception {
        openWithModels(JobConfig.Models.CONVERSION);
        simpleTouch(EventType.VIEW, "u1", "i1", T0);
        simpleTouch(EventType.VIEW, "u1", "i2", T0);
        harness.processWatermark(CLOSE_T0);
        assertEquals(2, examples(TrainingExample.Kind.CONVERSION).size());
        assertTrue(examples(TrainingExample.Kind.INTERACTION).isEmpty());
        harness.close();

        openWithModels(JobConfig.Models.EMBEDDINGS);
        simpleTouch(EventType.VIEW, "u1", "i1", T0);
        simpleTouch(EventType.VIEW, "u1", "i2", T0);
        harness.processWatermark(CLOSE_T0);
        assertTrue(examples(TrainingExample.Kind.CONVERSION).isEmpty());
        assertEquals(1, examples(TrainingExample.Kind.INTERACTION).size(), "i2's, with i1 as the negative");
    }

    @Test
    void interactionsCarryTheContextAndNegativesFromOtherItems() throws Exception {
        openWithModels(JobConfig.Models.ALL);
        NegativeSampler expected = new NegativeSampler(CoVisitationFunction.NEGATIVE_POOL, SEED);
        for (String item : new String[] {"a", "b", "c", "d", "e"}) {
            simpleTouch(EventType.VIEW, "u9", item, T0);
            expected.add(item);
        }
        String[] others = {"a", "b"};

        touch(event(EventType.FAV, "u1", "x", null, T0 + 10), 0, 7, others, new double[] {1, 1});

        List<TrainingExample> inter = examples(TrainingExample.Kind.INTERACTION);
        assertEquals(5, inter.size(), "b .. e (the first touch found the ring empty), then x");
        TrainingExample e = inter.get(4);
        assertEquals("x", e.positive);
        assertArrayEquals(others, e.context);
        assertEquals(T0 + 10, e.ts);
        assertEquals(CoVisitationFunction.NEGATIVES, e.negatives.length);
        for (String n : e.negatives) assertTrue(Set.of("c", "d", "e").contains(n), n);
        assertFalse(e.negatives[0].equals(e.negatives[1]));
        assertArrayEquals(expected.sample(CoVisitationFunction.NEGATIVES, "u1", 7, "x", others), e.negatives,
                "seeded by (user, seq): a replay draws the same");
        assertArrayEquals(new String[] {"a"}, inter.get(0).negatives, "b's: the ring held a only");
    }

    private void pairs(String item, String other, double weight) throws Exception {
        harness.processElement(CoVisitMessage.pairs(item, new String[] {other}, new double[] {weight}), T0);
    }

    private void touch(Event e, long epoch, long seq, String[] others, double[] weights) throws Exception {
        harness.processElement(CoVisitMessage.touch(e, epoch, seq, others, weights), e.ts);
    }

    private List<StoreWrite> similar() {
        var side = harness.getSideOutput(CoVisitationFunction.SIMILAR);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    private static Event event(EventType type, String user, String item, String category, long ts) {
        return new Event(ts, type, user, item, category);
    }

    private static Event view(String user, String item, long ts, long ingestMs) {
        Event e = new Event(ts, EventType.VIEW, user, item, null);
        e.ingestMs = ingestMs;
        return e;
    }
}

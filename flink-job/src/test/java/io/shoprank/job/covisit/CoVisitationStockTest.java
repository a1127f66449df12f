package io.shoprank.job.covisit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventType;
import io.shoprank.job.stock.StockAwareOperator;
import io.shoprank.job.stock.StockChange;
import io.shoprank.store.StoreWrite;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The co-visitation stage behind its {@link StockAwareOperator}: items the catalog says are out of stock stay
 * out of the neighbours a touch carries and of the similar-items list (their weights are kept), and event
 * time follows the pair/touch input alone.
 */
class CoVisitationStockTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final Duration TTL = Duration.ofHours(1);

    private final List<KeyedTwoInputStreamOperatorTestHarness<String, CoVisitMessage, StockChange, Touch>> opened =
            new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (var h : opened) h.close();
    }

    @Test
    void outOfStockNeighboursLeaveTouchesAndSimilarListsUntilBackInStock() throws Exception {
        var h = open(1, 1, 0, null);
        pairs(h, "i1", "a", 3.0);
        pairs(h, "i1", "b", 2.0);
        pairs(h, "i1", "c", 1.0);

        h.processElement2(new StockChange("a", false, T0), T0);
        touch(h, "u1", "i1", T0 + 1);

        Touch t = h.extractOutputValues().get(0);
        assertArrayEquals(new String[] {"b", "c"}, t.neighbours, "the strongest neighbour is out of stock");
        assertArrayEquals(new String[] {"b", "c"}, similar(h).get(0).items);

        h.processElement2(new StockChange("a", true, T0 + 2), T0 + 2);
        touch(h, "u2", "i1", T0 + 3);

        assertArrayEquals(new String[] {"a", "b", "c"}, h.extractOutputValues().get(1).neighbours,
                "back in stock, with its weight kept");
        assertEquals(2, similar(h).size(), "the list changed, so it is rewritten");
        assertArrayEquals(new String[] {"a", "b", "c"}, similar(h).get(1).items);
    }

    @Test
    void theCatalogsWatermarkNeitherHoldsBackNorAdvancesEventTime() throws Exception {
        var h = open(1, 1, 0, null);
        h.processWatermark2(new Watermark(T0 + 1_000_000));
        assertEquals(0, h.getOutput().size(), "the catalog input's watermark is not forwarded");

        h.processWatermark1(new Watermark(T0));
        assertEquals(List.of(new Watermark(T0)), new ArrayList<>(h.getOutput()));
    }

    @Test
    void theOutOfStockItemsSurviveARestoreOnEverySubtask() throws Exception {
        var h = open(2, 1, 0, null);
        h.processElement2(new StockChange("a", false, T0), T0);
        OperatorSubtaskState snapshot = h.snapshot(1L, 1_000);

        for (int subtask = 0; subtask < 2; subtask++) {
            var s = open(2, 2, subtask, AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, 2, 1, 2,
                    subtask));
            String item = itemOf(subtask);
            pairs(s, item, "a", 3.0);
            pairs(s, item, "b", 1.0);
            touch(s, "u1", item, T0 + 1);
            assertArrayEquals(new String[] {"b"}, s.extractOutputValues().get(0).neighbours, "subtask " + subtask);
        }
    }

    private KeyedTwoInputStreamOperatorTestHarness<String, CoVisitMessage, StockChange, Touch> open(
            int maxParallelism, int parallelism, int subtask, OperatorSubtaskState restore) throws Exception {
        KeySelector<CoVisitMessage, String> byItem = m -> m.item;
        KeySelector<StockChange, String> notKeyed = null; // broadcast, as in the job
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new StockAwareOperator<>(new CoVisitationFunction(10, 10, TTL, TTL, Duration.ofHours(6))),
                byItem, notKeyed, Types.STRING, maxParallelism, parallelism, subtask);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        opened.add(h);
        if (restore != null) h.initializeState(restore);
        h.open();
        return h;
    }

    /** An item id whose key group belongs to {@code subtask} of 2 (max parallelism 2). */
    private static String itemOf(int subtask) {
        for (int i = 0; ; i++) {
            String item = "item-" + i;
            if (org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(item, 2, 2)
                    == subtask) return item;
        }
    }

    private static void pairs(KeyedTwoInputStreamOperatorTestHarness<String, CoVisitMessage, StockChange, Touch> h,
                              String item, String other, double weight) throws Exception {
        h.processElement1(CoVisitMessage.pairs(item, new String[] {other}, new double[] {weight}), T0);
    }

    private static void touch(KeyedTwoInputStreamOperatorTestHarness<String, CoVisitMessage, StockChange, Touch> h,
                              String user, String item, long ts) throws Exception {
        Event e = new Event(ts, EventType.VIEW, user, item, null);
        h.processElement1(CoVisitMessage.touch(e, 0, 0, new String[0], new double[0]), ts);
    }

    private static List<StoreWrite> similar(
            KeyedTwoInputStreamOperatorTestHarness<String, CoVisitMessage, StockChange, Touch> h) {
        var side = h.getSideOutput(CoVisitationFunction.SIMILAR);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }
}

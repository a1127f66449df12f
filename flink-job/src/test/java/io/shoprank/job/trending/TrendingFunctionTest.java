package io.shoprank.job.trending;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.job.features.DecayedScores;
import io.shoprank.job.features.ItemScore;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The global trending stage in a keyed harness: processing time and watermarks are driven by hand. Scores are
 * sent with a half-life of 1 s and event time 0, so an item with key k is worth 2^k.
 */
class TrendingFunctionTest {

    private static final Duration EMIT_INTERVAL = Duration.ofMillis(200);
    private static final Duration HALF_LIFE = Duration.ofSeconds(1);
    private static final double EPS = 1e-12;

    private KeyedOneInputStreamOperatorTestHarness<Byte, ItemScore, TrendingList> harness;

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<Byte, ItemScore, TrendingList> newHarness() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<Byte, ItemScore, TrendingList> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new TrendingFunction(2, 2, EMIT_INTERVAL, HALF_LIFE)),
                        s -> (byte) 0, Types.BYTE, 1, 1, 0);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        return h;
    }

    private void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @Test
    void firstScoreAfterAQuietIntervalIsEmittedAtOnce() throws Exception {
        open();
        harness.setProcessingTime(1_000);

        score("a", "c1", 3, 0);

        List<TrendingList> out = harness.extractOutputValues();
        assertEquals(List.of("", "c1"), categories(out));
        assertArrayEquals(new String[] {"a"}, out.get(0).items);
        assertArrayEquals(new double[] {8}, out.get(0).scores, EPS);
        assertEquals(1, out.get(0).version);
        assertEquals(1, out.get(1).version);
        assertEquals(0, harness.numProcessingTimeTimers(), "nothing left to emit");
    }

    @Test
    void updatesWithinTheIntervalAreEmittedTogetherOnTheTimer() throws Exception {
        open();
        harness.setProcessingTime(1_000);
        score("a", "c1", 3, 0);
        harness.getOutput().clear();

        harness.setProcessingTime(1_050);
        score("b", "c2", 5, 0);
        harness.setProcessingTime(1_100);
        score("c", "c3", 4, 0);
        assertTrue(harness.extractOutputValues().isEmpty(), "held back until 200 ms after the last emit");
        assertEquals(1, harness.numProcessingTimeTimers(), "one timer for the whole interval");

        harness.setProcessingTime(1_199);
        assertTrue(harness.extractOutputValues().isEmpty());
        harness.setProcessingTime(1_200);

        List<TrendingList> out = harness.extractOutputValues();
        assertEquals(List.of("", "c2", "c3"), categories(out), "c1 did not change");
        assertArrayEquals(new String[] {"b", "c"}, out.get(0).items, "global top 2");
        assertEquals(List.of(2L, 2L, 2L), out.stream().map(l -> l.version).collect(Collectors.toList()));
    }

    @Test
    void listsAreScoredAsOfTheLatestEventTime() throws Exception {
        open();
        harness.setProcessingTime(1_000);
        score("a", "c1", DecayedScores.add(DecayedScores.EMPTY, 4, 0, 1_000), 0);
        harness.getOutput().clear();
        harness.setProcessingTime(1_300);

        score("b", "c1", DecayedScores.add(DecayedScores.EMPTY, 1, 1_000, 1_000), 1_000);

        TrendingList global = harness.extractOutputValues().get(0);
        assertEquals(1_000, global.asOfTs);
        assertArrayEquals(new String[] {"a", "b"}, global.items);
        assertArrayEquals(new double[] {2, 1}, global.scores, 1e-9);
    }

    @Test
    void anItemOutOfStockLeavesTheListsAndComesBackWhenInStock() throws Exception {
        open();
        harness.setProcessingTime(1_000);
        score("a", "c1", 3, 0);
        score("b", "c1", 2, 0);
        harness.setProcessingTime(2_000);
        harness.getOutput().clear();

        harness.processElement(new ItemScore("a", "c1", 3, 1, false), 1);
        harness.setProcessingTime(3_000);

        List<TrendingList> out = harness.extractOutputValues();
        assertEquals(List.of("", "c1"), categories(out));
        assertArrayEquals(new String[] {"b"}, out.get(0).items);
        assertArrayEquals(new String[] {"b"}, out.get(1).items);

        harness.getOutput().clear();
        harness.processElement(new ItemScore("a", "c1", 3, 2, true), 2);
        harness.setProcessingTime(4_000);
        assertArrayEquals(new String[] {"a", "b"}, harness.extractOutputValues().get(0).items);
    }

    @Test
    void quietTimerEmitsNothing() throws Exception {
        open();
        harness.setProcessingTime(1_000);
        score("a", "c1", 3, 0);
        harness.setProcessingTime(1_010);
        score("a", "c1", 4, 0);
        harness.setProcessingTime(1_210);
        harness.getOutput().clear();

        harness.setProcessingTime(5_000);

        assertTrue(harness.extractOutputValues().isEmpty());
        assertEquals(0, harness.numProcessingTimeTimers());
    }

    @Test
    void endOfInputEmitsWhatIsStillPending() throws Exception {
        open();
        harness.setProcessingTime(1_000);
        score("a", "c1", 3, 0);
        harness.setProcessingTime(1_050);
        score("b", "c1", 5, 0);
        harness.getOutput().clear();
        assertEquals(1, harness.numEventTimeTimers(), "one end-of-input timer, whatever the number of scores");

        harness.processWatermark(Long.MAX_VALUE);

        List<TrendingList> out = harness.extractOutputValues();
        assertEquals(List.of("", "c1"), categories(out));
        assertArrayEquals(new String[] {"b", "a"}, out.get(0).items);
        assertEquals(2, out.get(0).version);

        harness.setProcessingTime(10_000); // the interval timer finds nothing left
        assertEquals(2, harness.extractOutputValues().size());
    }

    @Test
    void watermarkBelowTheMaximumDoesNotEmit() throws Exception {
        open();
        harness.setProcessingTime(1_000);
        score("a", "c1", 3, 0);
        harness.setProcessingTime(1_050);
        score("b", "c1", 5, 0);
        harness.getOutput().clear();

        harness.processWatermark(Long.MAX_VALUE - 2);

        assertTrue(harness.extractOutputValues().isEmpty());
    }

    @Test
    void snapshotAndRestoreKeepTheBoardAndTheVersion() throws Exception {
        open();
        harness.setProcessingTime(1_000);
        score("a", "c1", 3, 0);  // emitted as version 1
        harness.setProcessingTime(1_050);
        score("b", "c2", 5, 0);  // pending: the timer at 1_200 would emit it
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1_100);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(2_000);

        List<TrendingList> out = harness.extractOutputValues();
        assertEquals(List.of("", "c1", "c2"), categories(out),
                "what was pending at the checkpoint is emitted after recovery");
        assertArrayEquals(new String[] {"b", "a"}, out.get(0).items, "the board survived");
        assertArrayEquals(new String[] {"b"}, out.get(2).items);
        assertEquals(2, out.get(0).version, "the version counter survived");

        harness.getOutput().clear();
        harness.setProcessingTime(3_000);
        score("c", "c1", 4, 0);
        out = harness.extractOutputValues();
        assertEquals(List.of("", "c1"), categories(out));
        assertArrayEquals(new String[] {"b", "c"}, out.get(0).items);
        assertArrayEquals(new String[] {"c", "a"}, out.get(1).items);
        assertEquals(3, out.get(0).version);
    }

    private void score(String item, String category, double key, long ts) throws Exception {
        harness.processElement(new ItemScore(item, category, key, ts), ts);
    }

    private static List<String> categories(List<TrendingList> lists) {
        return lists.stream().map(l -> l.category).collect(Collectors.toList());
    }
}

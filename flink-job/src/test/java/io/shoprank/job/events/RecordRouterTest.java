package io.shoprank.job.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router in a one-input operator harness; watermarks are driven by hand. */
class RecordRouterTest {

    private static final long ALLOWED_LATENESS = 60_000;

    private OneInputStreamOperatorTestHarness<ParsedRecord, Event> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new RecordRouter(ALLOWED_LATENESS)));
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void beforeTheFirstWatermarkNothingIsLate() throws Exception {
        Event ancient = event(946_684_800_000L, "u1", "i1");

        harness.processElement(ParsedRecord.of(ancient), ancient.ts);

        assertEquals(List.of(ancient), harness.extractOutputValues());
        assertTrue(deadLetters().isEmpty());
    }

    @Test
    void onTimeEventsPassAndKeepTheirTimestamp() throws Exception {
        harness.processWatermark(100_000);
        Event atWatermark = event(100_000, "u1", "i1");
        Event ahead = event(250_000, "u2", "i2");

        harness.processElement(ParsedRecord.of(atWatermark), atWatermark.ts);
        harness.processElement(ParsedRecord.of(ahead), ahead.ts);

        List<StreamRecord<? extends Event>> out = harness.extractOutputStreamRecords();
        assertEquals(2, out.size());
        assertEquals(atWatermark, out.get(0).getValue());
        assertEquals(100_000, out.get(0).getTimestamp());
        assertEquals(ahead, out.get(1).getValue());
        assertEquals(250_000, out.get(1).getTimestamp());
        assertTrue(deadLetters().isEmpty());
    }

    @Test
    void eventBehindTheWatermarkWithinAllowedLatenessPasses() throws Exception {
        harness.processWatermark(100_000);
        Event justInTime = event(100_000 - ALLOWED_LATENESS, "u1", "i1"); // 40_000: exactly at the bound

        harness.processElement(ParsedRecord.of(justInTime), justInTime.ts);

        assertEquals(List.of(justInTime), harness.extractOutputValues());
        assertTrue(deadLetters().isEmpty());
    }

    @Test
    void eventOlderThanWatermarkMinusAllowedLatenessIsDeadLettered() throws Exception {
        harness.processWatermark(100_000);
        Event late = event(39_999, "u1", "i1");
        late.type = EventType.CART;
        late.category = "c1";
        late.ingestMs = 777;

        harness.processElement(ParsedRecord.of(late), late.ts);

        assertTrue(harness.extractOutputValues().isEmpty(), "a late event does not go on");
        List<DeadLetter> dead = deadLetters();
        assertEquals(1, dead.size());
        DeadLetter d = dead.get(0);
        assertEquals("late", d.origin);
        assertEquals("late: ts 39999 is more than 60000 ms behind the watermark 100000", d.reason);
        assertEquals("{\"ts\":39999,\"type\":\"cart\",\"user\":\"u1\",\"item\":\"i1\",\"category\":\"c1\"}", d.raw,
                "the event is kept whole, in the canonical wire format");
        assertEquals(777, d.ingestMs);
        assertEquals(1L, accumulator(RecordRouter.ACC_LATE));
        assertEquals(0L, accumulator(RecordRouter.ACC_EVENTS));
    }

    @Test
    void latenessFollowsTheAdvancingWatermark() throws Exception {
        Event e = event(50_000, "u1", "i1");

        harness.processWatermark(110_000);
        harness.processElement(ParsedRecord.of(e), e.ts); // 50_000 >= 110_000 - 60_000: on time
        harness.processWatermark(110_001);
        harness.processElement(ParsedRecord.of(e), e.ts); // 50_000 < 50_001: late

        assertEquals(1, harness.extractOutputValues().size());
        assertEquals(1, deadLetters().size());
        assertTrue(deadLetters().get(0).reason.startsWith("late: ts 50000 "));
        assertEquals(1L, accumulator(RecordRouter.ACC_EVENTS));
        assertEquals(1L, accumulator(RecordRouter.ACC_LATE));
    }

    @Test
    void watermarksAreForwarded() throws Exception {
        harness.processWatermark(100_000);
        harness.processWatermark(200_000);

        List<Long> watermarks = harness.getOutput().stream()
                .filter(o -> o instanceof Watermark)
                .map(o -> ((Watermark) o).getTimestamp())
                .collect(Collectors.toList());
        assertEquals(List.of(100_000L, 200_000L), watermarks);
    }

    @Test
    void catalogRecordsGoToTheCatalogSideOutputAndAreNeverLate() throws Exception {
        harness.processWatermark(1_000_000);
        CatalogItem c = new CatalogItem();
        c.ts = 1; // far behind the watermark: catalog records are never late
        c.item = "i1";
        c.title = "Red Shoes";

        harness.processElement(ParsedRecord.of(c), c.ts);

        assertTrue(harness.extractOutputValues().isEmpty());
        assertTrue(deadLetters().isEmpty());
        List<CatalogItem> catalog = harness.getSideOutput(RecordRouter.CATALOG).stream()
                .map(StreamRecord::getValue).collect(Collectors.toList());
        assertEquals(1, catalog.size());
        assertEquals(c, catalog.get(0));
    }

    @Test
    void deadLettersFromTheSourcePassThroughAndAreCounted() throws Exception {
        DeadLetter d = new DeadLetter("events", "missing field: user", "{\"ts\":1}", 5);

        harness.processElement(ParsedRecord.of(d), 5);

        assertTrue(harness.extractOutputValues().isEmpty());
        assertTrue(harness.getSideOutput(RecordRouter.CATALOG) == null
                || harness.getSideOutput(RecordRouter.CATALOG).isEmpty());
        List<DeadLetter> dead = deadLetters();
        assertEquals(1, dead.size());
        DeadLetter passed = dead.get(0);
        assertEquals("events", passed.origin);
        assertEquals("missing field: user", passed.reason);
        assertEquals("{\"ts\":1}", passed.raw);
        assertEquals(5, passed.ingestMs);
        assertEquals(1L, accumulator(RecordRouter.ACC_INVALID));
        assertEquals(0L, accumulator(RecordRouter.ACC_LATE));
    }

    @Test
    void mixedStreamIsSplitThreeWays() throws Exception {
        harness.processWatermark(500_000);
        Event onTime = event(480_000, "u1", "i1");
        Event late = event(400_000, "u1", "i2");
        CatalogItem c = new CatalogItem();
        c.item = "i3";
        DeadLetter bad = new DeadLetter("events", "unknown type: like", "{}", 0);

        harness.processElement(ParsedRecord.of(onTime), onTime.ts);
        harness.processElement(ParsedRecord.of(late), late.ts);
        harness.processElement(ParsedRecord.of(c), 0);
        harness.processElement(ParsedRecord.of(bad), 0);

        assertEquals(List.of(onTime), harness.extractOutputValues());
        assertEquals(1, harness.getSideOutput(RecordRouter.CATALOG).size());
        List<String> reasons = deadLetters().stream().map(x -> x.reason).collect(Collectors.toList());
        assertEquals(2, reasons.size());
        assertTrue(reasons.get(0).startsWith("late: "));
        assertEquals("unknown type: like", reasons.get(1));
        assertEquals(1L, accumulator(RecordRouter.ACC_EVENTS));
        assertEquals(1L, accumulator(RecordRouter.ACC_LATE));
        assertEquals(1L, accumulator(RecordRouter.ACC_INVALID));
    }

    @Test
    void isLateIsStrictAndIgnoresTheInitialWatermark() {
        assertFalse(RecordRouter.isLate(0, Long.MIN_VALUE, 0));
        assertFalse(RecordRouter.isLate(940, 1000, 60));
        assertTrue(RecordRouter.isLate(939, 1000, 60));
        assertFalse(RecordRouter.isLate(1000, 1000, 0));
        assertTrue(RecordRouter.isLate(999, 1000, 0));
    }

    private List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(RecordRouter.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    private Object accumulator(String name) {
        Map<String, Accumulator<?, ?>> user = harness.getEnvironment().getAccumulatorRegistry().getUserMap();
        Accumulator<?, ?> a = user.get(name);
        return a == null ? null : a.getLocalValue();
    }

    private static Event event(long ts, String user, String item) {
        Event e = new Event(ts, EventType.VIEW, user, item, null);
        e.ingestMs = ts;
        return e;
    }
}

package io.shoprank.job.covisit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventType;

import java.time.Duration;
import java.util.List;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The user-keyed sequence stage: pair messages to the earlier items, then one touch for the new item. */
class UserSequenceFunctionTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final Duration STATE_TTL = Duration.ofHours(1);
    private static final double EPS = 1e-12;

    private KeyedOneInputStreamOperatorTestHarness<String, Event, CoVisitMessage> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new UserSequenceFunction(3, STATE_TTL)), e -> e.user, Types.STRING);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        harness.open();
        harness.setProcessingTime(5_000);
        harness.setStateTtlProcessingTime(5_000);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void firstEventIsATouchWithoutPairs() throws Exception {
        Event e = event("u1", EventType.VIEW, "i1", T0);

        harness.processElement(e, e.ts);

        List<CoVisitMessage> out = harness.extractOutputValues();
        assertEquals(1, out.size());
        assertTouch(out.get(0), e, 5_000, 0, new String[0], new double[0]);
    }

    @Test
    void laterEventsPairWithEarlierItemsBothWays() throws Exception {
        Event e1 = event("u1", EventType.VIEW, "i1", T0);
        Event e2 = event("u1", EventType.VIEW, "i2", T0 + 1);
        Event e3 = event("u1", EventType.CART, "i3", T0 + 2);
        harness.processElement(e1, e1.ts);
        harness.processElement(e2, e2.ts);
        harness.processElement(e3, e3.ts);

        List<CoVisitMessage> out = harness.extractOutputValues();
        assertEquals(1 + 2 + 3, out.size());
        // e2: i1 learns i2, then i2's touch carries i1
        assertPairs(out.get(1), "i1", new String[] {"i2"}, new double[] {1.0});
        assertTouch(out.get(2), e2, 5_000, 1, new String[] {"i1"}, new double[] {1.0});
        // e3 (cart, weight 3): i2 at distance 0, i1 at distance 1
        assertPairs(out.get(3), "i2", new String[] {"i3"}, new double[] {3.0});
        assertPairs(out.get(4), "i1", new String[] {"i3"}, new double[] {3 / Math.sqrt(2)});
        assertTouch(out.get(5), e3, 5_000, 2, new String[] {"i2", "i1"}, new double[] {3.0, 3 / Math.sqrt(2)});
    }

    @Test
    void pairWindowBoundsTheEarlierItems() throws Exception {
        for (int i = 1; i <= 4; i++) {
            Event e = event("u1", EventType.VIEW, "i" + i, T0 + i);
            harness.processElement(e, e.ts);
        }
        harness.getOutput().clear();

        Event e5 = event("u1", EventType.VIEW, "i5", T0 + 5);
        harness.processElement(e5, e5.ts);

        List<CoVisitMessage> out = harness.extractOutputValues();
        assertEquals(4, out.size(), "window 3: pairs with i4, i3, i2 only");
        assertTouch(out.get(3), e5, 5_000, 4, new String[] {"i4", "i3", "i2"},
                new double[] {1.0, 1 / Math.sqrt(2), 1 / Math.sqrt(3)});
    }

    @Test
    void repeatedItemIsNotPairedWithItself() throws Exception {
        Event a = event("u1", EventType.VIEW, "a", T0);
        Event b = event("u1", EventType.VIEW, "b", T0 + 1);
        Event a2 = event("u1", EventType.PURCHASE, "a", T0 + 2);
        harness.processElement(a, a.ts);
        harness.processElement(b, b.ts);
        harness.getOutput().clear();

        harness.processElement(a2, a2.ts);

        List<CoVisitMessage> out = harness.extractOutputValues();
        assertEquals(2, out.size());
        assertPairs(out.get(0), "b", new String[] {"a"}, new double[] {4.0});
        assertTouch(out.get(1), a2, 5_000, 2, new String[] {"b"}, new double[] {4.0});
    }

    @Test
    void usersHaveTheirOwnSequences() throws Exception {
        Event u1 = event("u1", EventType.VIEW, "i1", T0);
        harness.processElement(u1, u1.ts);
        harness.setProcessingTime(6_000);
        Event u2 = event("u2", EventType.VIEW, "i2", T0 + 1);
        harness.processElement(u2, u2.ts);

        List<CoVisitMessage> out = harness.extractOutputValues();
        assertEquals(2, out.size(), "u2 is not paired with u1's item");
        assertTouch(out.get(1), u2, 6_000, 0, new String[0], new double[0]);
        assertEquals(2, harness.numKeyedStateEntries());
    }

    @Test
    void expiredSequenceRestartsWithALaterEpoch() throws Exception {
        Event e1 = event("u1", EventType.VIEW, "i1", T0);
        Event e2 = event("u1", EventType.VIEW, "i2", T0 + 1);
        harness.processElement(e1, e1.ts);
        harness.processElement(e2, e2.ts);

        long later = 5_000 + STATE_TTL.toMillis();
        harness.setProcessingTime(later);
        harness.setStateTtlProcessingTime(later);
        Event e3 = event("u1", EventType.VIEW, "i3", T0 + 2);
        harness.processElement(e3, e3.ts);

        List<CoVisitMessage> out = harness.extractOutputValues();
        assertEquals(1 + 2 + 1, out.size(), "no pairs with the forgotten items");
        assertTouch(out.get(3), e3, later, 0, new String[0], new double[0]);
    }

    @Test
    void sequenceWrittenWithinTheTtlKeepsItsEpochAndNumbers() throws Exception {
        Event e1 = event("u1", EventType.VIEW, "i1", T0);
        harness.processElement(e1, e1.ts);

        long later = 5_000 + STATE_TTL.toMillis() - 1;
        harness.setProcessingTime(later);
        harness.setStateTtlProcessingTime(later);
        Event e2 = event("u1", EventType.VIEW, "i2", T0 + 1);
        harness.processElement(e2, e2.ts);

        List<CoVisitMessage> out = harness.extractOutputValues();
        assertTouch(out.get(2), e2, 5_000, 1, new String[] {"i1"}, new double[] {1.0});
    }

    private static void assertPairs(CoVisitMessage m, String item, String[] others, double[] weights) {
        assertNull(m.event, "a pair update carries no event");
        assertEquals(item, m.item);
        assertArrayEquals(others, m.others);
        assertArrayEquals(weights, m.weights, EPS);
    }

    private static void assertTouch(CoVisitMessage m, Event e, long epoch, long seq, String[] others, double[] weights) {
        assertNotNull(m.event, "a touch carries the event");
        assertEquals(e, m.event);
        assertEquals(e.item, m.item);
        assertEquals(epoch, m.epoch);
        assertEquals(seq, m.seq);
        assertArrayEquals(others, m.others);
        assertArrayEquals(weights, m.weights, EPS);
    }

    private static Event event(String user, EventType type, String item, long ts) {
        return new Event(ts, type, user, item, null);
    }
}

package io.shoprank.job.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;

/** Both kinds of training example survive the network serializer with every field they carry. */
class TrainingExampleSerializerTest {
    private final TrainingExampleSerializer s = TrainingExampleSerializer.INSTANCE;

    private TrainingExample roundTrip(TrainingExample e) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(e, out);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        s.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertArrayEquals(out.getCopyOfBuffer(), copied.getCopyOfBuffer(), "copy writes the same bytes");
        return s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void conversionExamplesKeepTheirFeaturesLabelAndTime() throws IOException {
        TrainingExample e = roundTrip(TrainingExample.conversion(new int[] {3, 70_000, 5}, null, true, 1_700_000_000_123L));
        assertEquals(TrainingExample.Kind.CONVERSION, e.kind);
        assertArrayEquals(new int[] {3, 70_000, 5}, e.idx);
        assertNull(e.val, "all ones stay implicit");
        assertEquals(true, e.label);
        assertEquals(1_700_000_000_123L, e.ts);

        TrainingExample v = roundTrip(TrainingExample.conversion(new int[] {1, 2}, new float[] {0.5f, 2f}, false, 7));
        assertArrayEquals(new float[] {0.5f, 2f}, v.val, "explicit values (older views) travel too");
        assertEquals(false, v.label);
    }

    @Test
    void interactionExamplesKeepContextPositiveAndNegatives() throws IOException {
        String longId = "x".repeat(70_000); // beyond writeUTF's limit
        TrainingExample e = roundTrip(TrainingExample.interaction(new String[] {"a", "ü", longId}, "p", new String[] {"n1", "n2"}, 9));
        assertEquals(TrainingExample.Kind.INTERACTION, e.kind);
        assertArrayEquals(new String[] {"a", "ü", longId}, e.context);
        assertEquals("p", e.positive);
        assertArrayEquals(new String[] {"n1", "n2"}, e.negatives);
        assertEquals(9, e.ts);
        assertNull(e.idx);
    }

    @Test
    void anExampleWithoutAKindIsAnError() {
        assertThrows(IOException.class, () -> s.serialize(new TrainingExample(), new DataOutputSerializer(8)));
    }
}

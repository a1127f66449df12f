package io.shoprank.job.model.embedding;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packed checkpoint form of an embedding table: exact round trips, chunking, bad input. */
class PackedRowsTest {

    @Test
    void roundTripKeepsEveryValueAndTheOrderAcrossChunks() {
        Random rnd = new Random(7);
        List<EmbeddingRow> rows = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            float[] p = new float[16];
            float[] q = new float[16];
            for (int j = 0; j < 16; j++) {
                p[j] = (float) rnd.nextGaussian();
                q[j] = j == 3 ? Float.MIN_VALUE : (float) rnd.nextGaussian();
            }
            // ids of several lengths, one non-ASCII
            rows.add(new EmbeddingRow(i == 17 ? "artículo-ü" : "item-" + i * 7919L, p, q, (float) rnd.nextGaussian()));
        }
        byte[][] chunks = PackedRows.pack(rows);
        assertTrue(chunks.length > 1, "5,000 rows of 16 dimensions take more than one chunk");
        for (byte[] c : chunks) assertTrue(c.length <= PackedRows.CHUNK_BYTES, "chunk of " + c.length + " bytes");

        List<EmbeddingRow> back = PackedRows.unpack(chunks);
        assertEquals(rows.size(), back.size());
        for (int i = 0; i < rows.size(); i++) {
            EmbeddingRow a = rows.get(i);
            EmbeddingRow b = back.get(i);
            assertEquals(a.item, b.item);
            assertArrayEquals(a.p, b.p, 0f);
            assertArrayEquals(a.q, b.q, 0f);
            assertEquals(a.b, b.b, 0f);
        }
    }

    @Test
    void anEmptyTableIsNoChunk() {
        assertEquals(0, PackedRows.pack(List.of()).length);
        assertEquals(List.of(), PackedRows.unpack(new byte[0][]));
    }

    @Test
    void aRowLargerThanAChunkGetsAChunkOfItsOwn() {
        String longId = "x".repeat(PackedRows.CHUNK_BYTES);
        List<EmbeddingRow> rows = List.of(new EmbeddingRow("a", new float[] {1}, new float[] {2}, 3),
                new EmbeddingRow(longId, new float[] {4}, new float[] {5}, 6));
        List<EmbeddingRow> back = PackedRows.unpack(PackedRows.pack(rows));
        assertEquals(longId, back.get(1).item);
        assertEquals(6f, back.get(1).b);
    }

    @Test
    void mixedDimensionsAndUnknownFormatsAreRefused() {
        List<EmbeddingRow> mixed = List.of(new EmbeddingRow("a", new float[2], new float[2], 0),
                new EmbeddingRow("b", new float[3], new float[3], 0));
        assertThrows(IllegalArgumentException.class, () -> PackedRows.pack(mixed));
        byte[][] chunks = PackedRows.pack(List.of(new EmbeddingRow("a", new float[2], new float[2], 0)));
        chunks[0][3] = 9; // the format word
        assertThrows(IllegalStateException.class, () -> PackedRows.unpack(chunks));
    }
}

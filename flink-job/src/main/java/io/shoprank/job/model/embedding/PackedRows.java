package io.shoprank.job.model.embedding;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Embedding rows packed into byte chunks, the checkpointed form of a whole table (the updater's model, a ranking
 * replica). As an array of row POJOs the table cost a reflective deep copy of every row in each checkpoint's
 * synchronous phase and one serializer call per float in its asynchronous phase: ~20 us of CPU per event at
 * 200,000 rows and a checkpoint every 10 s (JFR, `deploy/benchmark.sh`). Chunks are copied and written in bulk.
 * Pure.
 *
 * <p>Chunk layout (big-endian): {@code int format, int dim, int rows}, then per row {@code int idBytes, id (UTF-8),
 * p[dim], q[dim], b} as floats. Chunks stay below {@link #CHUNK_BYTES} (unless one row is larger), under G1's
 * humongous-object size at the job's heaps.
 */
public final class PackedRows {
    static final int FORMAT = 1;
    static final int CHUNK_BYTES = 256 * 1024;
    private static final int HEADER = 12;

    private PackedRows() {}

    /** The rows (all of one dimension) in chunks; an empty table is no chunk. */
    public static byte[][] pack(Collection<EmbeddingRow> rows) {
        List<byte[]> chunks = new ArrayList<>();
        ByteBuffer buf = null;
        int dim = -1;
        int count = 0;
        for (EmbeddingRow r : rows) {
            if (dim < 0) dim = r.p.length;
            if (r.p.length != dim || r.q.length != dim) {
                throw new IllegalArgumentException("row " + r.item + " has dimension " + r.p.length + "/" + r.q.length
                        + ", the table " + dim);
            }
            byte[] id = r.item.getBytes(StandardCharsets.UTF_8);
            int size = 4 + id.length + 4 * (2 * dim + 1);
            if (buf != null && buf.remaining() < size) {
                chunks.add(finish(buf, count));
                buf = null;
            }
            if (buf == null) {
                buf = ByteBuffer.allocate(Math.max(CHUNK_BYTES, HEADER + size));
                buf.putInt(FORMAT).putInt(dim).putInt(0);
                count = 0;
            }
            buf.putInt(id.length).put(id);
            for (float f : r.p) buf.putFloat(f);
            for (float f : r.q) buf.putFloat(f);
            buf.putFloat(r.b);
            count++;
        }
        if (buf != null) chunks.add(finish(buf, count));
        return chunks.toArray(new byte[0][]);
    }

    private static byte[] finish(ByteBuffer buf, int count) {
        buf.putInt(8, count);
        return Arrays.copyOf(buf.array(), buf.position());
    }

    /**
     * A checkpointed table from either form: the packed chunks, or the row POJOs of state written before them
     * (none when both are null).
     */
    public static List<EmbeddingRow> unpackOr(byte[][] packed, EmbeddingRow[] legacy) {
        return packed != null ? unpack(packed) : legacy == null ? List.of() : List.of(legacy);
    }

    /** The rows in the order they were packed. */
    public static List<EmbeddingRow> unpack(byte[][] chunks) {
        List<EmbeddingRow> out = new ArrayList<>();
        for (byte[] chunk : chunks) {
            ByteBuffer buf = ByteBuffer.wrap(chunk);
            int format = buf.getInt();
            if (format != FORMAT) throw new IllegalStateException("unknown packed-rows format " + format);
            int dim = buf.getInt();
            int count = buf.getInt();
            for (int i = 0; i < count; i++) {
                byte[] id = new byte[buf.getInt()];
                buf.get(id);
                float[] p = new float[dim];
                float[] q = new float[dim];
                for (int j = 0; j < dim; j++) p[j] = buf.getFloat();
                for (int j = 0; j < dim; j++) q[j] = buf.getFloat();
                out.add(new EmbeddingRow(new String(id, StandardCharsets.UTF_8), p, q, buf.getFloat()));
            }
        }
        return out;
    }
}

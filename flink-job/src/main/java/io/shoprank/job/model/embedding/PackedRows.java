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
        Packer out = new Packer();
        for (EmbeddingRow r : rows) out.add(r.item, r.p, 0, r.q, 0, r.b);
        return out.chunks();
    }

    /** A replica's table, least recently put first (the order that rebuilds it); an empty table is no chunk. */
    public static byte[][] pack(EmbeddingTable table) {
        Packer out = new Packer();
        float[] v = table.values();
        for (int s = table.oldest(); s != ItemSlots.NONE; s = table.newer(s)) {
            int q = table.targetOffset(s);
            out.add(table.item(s), v, table.contextOffset(s), v, q, v[q + table.dim()], table.dim());
        }
        return out.chunks();
    }

    /** Rows appended into chunks as they come. */
    private static final class Packer {
        private final List<byte[]> chunks = new ArrayList<>();
        private ByteBuffer buf;
        private int dim = -1;
        private int count;

        void add(String item, float[] p, int pAt, float[] q, int qAt, float b) {
            if (p.length != q.length) {
                throw new IllegalArgumentException("row " + item + " has dimension " + p.length + "/" + q.length);
            }
            add(item, p, pAt, q, qAt, b, p.length);
        }

        void add(String item, float[] p, int pAt, float[] q, int qAt, float b, int rowDim) {
            if (dim < 0) dim = rowDim;
            if (rowDim != dim) {
                throw new IllegalArgumentException("row " + item + " has dimension " + rowDim + ", the table " + dim);
            }
            byte[] id = item.getBytes(StandardCharsets.UTF_8);
            int size = 4 + id.length + 4 * (2 * dim + 1);
            if (buf != null && buf.remaining() < size) {
                chunks.add(finish());
                buf = null;
            }
            if (buf == null) {
                buf = ByteBuffer.allocate(Math.max(CHUNK_BYTES, HEADER + size));
                buf.putInt(FORMAT).putInt(dim).putInt(0);
                count = 0;
            }
            buf.putInt(id.length).put(id);
            for (int j = 0; j < dim; j++) buf.putFloat(p[pAt + j]);
            for (int j = 0; j < dim; j++) buf.putFloat(q[qAt + j]);
            buf.putFloat(b);
            count++;
        }

        private byte[] finish() {
            buf.putInt(8, count);
            return Arrays.copyOf(buf.array(), buf.position());
        }

        byte[][] chunks() {
            if (buf != null) {
                chunks.add(finish());
                buf = null;
            }
            return chunks.toArray(new byte[0][]);
        }
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

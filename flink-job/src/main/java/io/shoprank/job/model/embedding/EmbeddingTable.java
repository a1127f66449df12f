package io.shoprank.job.model.embedding;

import java.util.ArrayList;
import java.util.List;

/**
 * The item vectors a ranking replica serves from, bounded to {@code maxItems} (the least recently put leave
 * first, as in the updater's {@link ItemEmbeddings}), in one primitive array: per slot ({@link ItemSlots})
 * {@code [q (dim) | b | p (dim)]}, so a candidate's {@code [Q | b]} is one contiguous copy. Rows are
 * overwritten in place. As a map of row objects the table was five or six objects per item, replaced with
 * each update: old-generation garbage for the GC to refine, mark and collect, and five or six cache misses per
 * lookup; here a lookup is one or two misses and an update allocates nothing. Pure.
 */
public final class EmbeddingTable {
    private final int dim;
    private final int stride;
    private final ItemSlots slots;
    private final float[] values;

    public EmbeddingTable(int dim, int maxItems) {
        this.dim = dim;
        this.stride = 2 * dim + 1;
        this.slots = new ItemSlots(maxItems);
        this.values = new float[Math.multiplyExact(maxItems, stride)];
    }

    public int dim() {
        return dim;
    }

    public int size() {
        return slots.size();
    }

    /** Writes the item's row (copying the arrays), making it the most recently put. */
    public void put(String item, float[] p, float[] q, float b) {
        if (p.length != dim || q.length != dim) {
            throw new IllegalArgumentException("row " + item + " has dimension " + p.length + "/" + q.length
                    + ", the table " + dim);
        }
        int at = slots.put(item) * stride;
        System.arraycopy(q, 0, values, at, dim);
        values[at + dim] = b;
        System.arraycopy(p, 0, values, at + dim + 1, dim);
    }

    /** The item's slot, or {@link ItemSlots#NONE} when it has no row. */
    public int slot(String item) {
        return slots.find(item);
    }

    public String item(int slot) {
        return slots.item(slot);
    }

    /**
     * The table's values: slot s's target vector q at {@link #targetOffset}(s), its bias right after, its
     * context vector p at {@link #contextOffset}(s). For reading only.
     */
    public float[] values() {
        return values;
    }

    public int targetOffset(int slot) {
        return slot * stride;
    }

    public int contextOffset(int slot) {
        return slot * stride + dim + 1;
    }

    /** The least recently put item's slot, or {@link ItemSlots#NONE}; {@link #newer} walks on. */
    public int oldest() {
        return slots.oldest();
    }

    public int newer(int slot) {
        return slots.newer(slot);
    }

    /** A copy of the item's row, or null when it has none (for tests and inspection: serving reads {@link #values}). */
    public EmbeddingRow row(String item) {
        int slot = slot(item);
        return slot == ItemSlots.NONE ? null : row(slot);
    }

    /** A copy of the row in {@code slot}. */
    public EmbeddingRow row(int slot) {
        int at = slot * stride;
        float[] q = java.util.Arrays.copyOfRange(values, at, at + dim);
        float[] p = java.util.Arrays.copyOfRange(values, at + dim + 1, at + stride);
        return new EmbeddingRow(slots.item(slot), p, q, values[at + dim]);
    }

    /** Copies of every row, least recently put first (putting them in this order rebuilds the table). */
    public List<EmbeddingRow> rows() {
        List<EmbeddingRow> out = new ArrayList<>(size());
        for (int s = oldest(); s != ItemSlots.NONE; s = newer(s)) out.add(row(s));
        return out;
    }
}

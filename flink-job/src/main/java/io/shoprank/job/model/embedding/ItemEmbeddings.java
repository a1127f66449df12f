package io.shoprank.job.model.embedding;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The item parameters of the FISM-style embedding model, bounded to {@code maxItems} (the least recently
 * updated go first). An item seen for the first time starts from small random vectors drawn from a seed
 * derived from its id, so every copy of the model (updater, replicas) starts an item identically. Pure.
 */
public final class ItemEmbeddings {
    private final int dim;
    private final long seed;
    private final Map<String, EmbeddingRow> rows;
    private final Set<String> changed = new LinkedHashSet<>();

    public ItemEmbeddings(int dim, int maxItems, long seed) {
        this.dim = dim;
        this.seed = seed;
        // insertion order, re-inserted on update: eviction goes by last update, and a read is a plain lookup
        this.rows = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, EmbeddingRow> eldest) {
                return size() > maxItems;
            }
        };
    }

    public int dim() {
        return dim;
    }

    /** The item's row, created with its seeded initial values when new (a change only once updated). */
    public EmbeddingRow getOrInit(String item) {
        EmbeddingRow r = rows.get(item);
        if (r == null) {
            r = initial(item);
            rows.put(item, r);
        }
        return r;
    }

    /** The item's row, or null when it has none. */
    public EmbeddingRow get(String item) {
        return rows.get(item);
    }

    EmbeddingRow initial(String item) {
        Random r = new Random(seed * 1_000_003L + item.hashCode());
        float[] p = new float[dim];
        float[] q = new float[dim];
        double scale = 0.1 / Math.sqrt(dim);
        for (int i = 0; i < dim; i++) {
            p[i] = (float) (r.nextGaussian() * scale);
            q[i] = (float) (r.nextGaussian() * scale);
        }
        return new EmbeddingRow(item, p, q, 0f);
    }

    public void put(String item, float[] p, float[] q, float b) {
        rows.remove(item);
        rows.put(item, new EmbeddingRow(item, p, q, b));
        changed.add(item);
    }

    /**
     * Takes {@code row} itself (not a copy; rows are never changed in place) without recording it as changed:
     * for a holder that never publishes changes (a replica applying a delta).
     */
    public void replace(EmbeddingRow row) {
        rows.remove(row.item);
        rows.put(row.item, row);
    }

    /** Marks an item as changed since the last drain (a restored model's unpublished changes). */
    public void markChanged(String item) {
        changed.add(item);
    }

    public void remove(String item) {
        rows.remove(item);
        changed.remove(item);
    }

    public int size() {
        return rows.size();
    }

    public Collection<EmbeddingRow> rows() {
        return rows.values();
    }

    /** The rows changed since the previous drain (those still held; rows are never changed in place). */
    public List<EmbeddingRow> drainChanged() {
        List<EmbeddingRow> out = new ArrayList<>(changed.size());
        for (String item : changed) {
            EmbeddingRow r = rows.get(item);
            if (r != null) out.add(r);
        }
        changed.clear();
        return out;
    }
}

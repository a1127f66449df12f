package io.shoprank.job.model.embedding;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The item parameters of the FISM-style embedding model, bounded to {@code maxItems} (the least recently
 * updated go first). An item seen for the first time starts from small random vectors drawn from a seed
 * derived from its id, so every copy of the model (updater, replicas) starts an item identically.
 *
 * <p>It keeps what changed since the last {@link #commit} (the last published version) and how to undo it:
 * each changed item's row before its first change, and the items created since. Rows are never changed in
 * place, so the earlier row is the row object itself, taken as the map gives it up: the updater used to look
 * every item of a mini-batch up in a map of its own before the step (two more cache misses per item, most
 * of them random negatives). Pure.
 */
public final class ItemEmbeddings {
    private final int dim;
    private final long seed;
    private final Map<String, EmbeddingRow> rows;
    /** Items changed since the last commit, in the order first changed, each with its row before ({@link #NO_ROW}: none). */
    private final LinkedHashMap<String, EmbeddingRow> changed = new LinkedHashMap<>();
    /** Items given their initial row since the last commit: an epoch's new items, few beside the table, so its lookups mostly hit the caches. */
    private final Set<String> created = new HashSet<>();
    private static final EmbeddingRow NO_ROW = new EmbeddingRow();

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
            created.add(item);
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
        EmbeddingRow before = rows.remove(item);
        rows.put(item, new EmbeddingRow(item, p, q, b));
        // an initial row created since the commit is no earlier version: a rollback removes the item
        changed.putIfAbsent(item, before == null || created.contains(item) ? NO_ROW : before);
    }

    public int size() {
        return rows.size();
    }

    public Collection<EmbeddingRow> rows() {
        return rows.values();
    }

    /** The rows changed since the last commit (those still held), in the order first changed. */
    public List<EmbeddingRow> changedRows() {
        List<EmbeddingRow> out = new ArrayList<>(changed.size());
        for (String item : changed.keySet()) {
            EmbeddingRow r = rows.get(item);
            if (r != null) out.add(r);
        }
        return out;
    }

    /** The current rows become the version a later {@link #rollBack} returns to. */
    public void commit() {
        changed.clear();
        created.clear();
    }

    /** {@link #changedRows}, then {@link #commit}. */
    public List<EmbeddingRow> drainChanged() {
        List<EmbeddingRow> out = changedRows();
        commit();
        return out;
    }

    /**
     * Back to the version of the last commit: changed items get their earlier rows back (in the order first
     * changed), items created since leave. (Items evicted since stay evicted unless they changed.)
     */
    public void rollBack() {
        for (Map.Entry<String, EmbeddingRow> e : changed.entrySet()) {
            rows.remove(e.getKey());
            if (e.getValue() != NO_ROW) rows.put(e.getKey(), e.getValue());
        }
        for (String item : created) rows.remove(item);
        commit();
    }

    /** The rows a {@link #rollBack} would put back (checkpointed with the model). */
    public List<EmbeddingRow> earlierRows() {
        List<EmbeddingRow> out = new ArrayList<>();
        for (EmbeddingRow r : changed.values()) if (r != NO_ROW) out.add(r);
        return out;
    }

    /** The items a {@link #rollBack} would remove (checkpointed with the model). */
    public List<String> itemsSinceCommit() {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (Map.Entry<String, EmbeddingRow> e : changed.entrySet()) if (e.getValue() == NO_ROW) out.add(e.getKey());
        out.addAll(created);
        return new ArrayList<>(out);
    }

    /**
     * After a restore: what changed after the checkpoint's last commit, from {@link #earlierRows} and
     * {@link #itemsSinceCommit}. Every such item still held is a change to publish.
     */
    public void restoreSinceCommit(Collection<EmbeddingRow> earlierRows, Collection<String> itemsSinceCommit) {
        commit();
        for (EmbeddingRow r : earlierRows) changed.put(r.item, r);
        for (String item : itemsSinceCommit) changed.putIfAbsent(item, NO_ROW);
    }
}

package io.shoprank.job.trending;

import io.shoprank.job.features.DecayedScores;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The global and per-category trending rankings, from items' decayed popularity keys. Tracks about
 * {@code maxTracked} items: on overflow it keeps only the items that are in the global top or in their
 * category's top (an evicted item comes back with its next update, which carries its exact score). When
 * those tops alone exceed {@code maxTracked} (very many categories), the bound becomes twice what they
 * hold, so pruning stays amortised.
 */
public final class TrendingBoard {
    /** One tracked item (also the checkpointed form). */
    public static class Entry {
        public String item;
        public String category;
        public double key;
        /** Event time of the update. */
        public long ts;

        public Entry() {}

        public Entry(String item, String category, double key, long ts) {
            this.item = item;
            this.category = category;
            this.key = key;
            this.ts = ts;
        }
    }

    private static final Comparator<Entry> BEST_FIRST =
            Comparator.<Entry>comparingDouble(e -> e.key).reversed().thenComparing(e -> e.item);

    private final int size;
    private final int maxTracked;
    private final Map<String, Entry> items = new HashMap<>();
    private final Set<String> dirtyCategories = new HashSet<>();
    private boolean dirty;
    private int pruneAt;

    public TrendingBoard(int size, int maxTracked) {
        this.size = size;
        this.maxTracked = maxTracked;
        this.pruneAt = maxTracked;
    }

    public void update(String item, String category, double key, long ts) {
        Entry old = items.get(item);
        if (old != null && old.category != null && !old.category.equals(category)) {
            dirtyCategories.add(old.category);
        }
        items.put(item, new Entry(item, category, key, ts));
        if (category != null) {
            dirtyCategories.add(category);
        }
        dirty = true;
        if (items.size() > pruneAt) {
            prune();
            // the per-category tops alone may exceed maxTracked: never prune again before the board doubles
            pruneAt = Math.max(maxTracked, 2 * items.size());
        }
    }

    public boolean isDirty() {
        return dirty;
    }

    /** The global list and the lists of the categories changed since the last call, scored at {@code now}. */
    public List<TrendingList> drain(long now, double halfLifeMs, long version) {
        List<TrendingList> out = new ArrayList<>();
        if (!dirty) {
            return out;
        }
        Map<String, List<Entry>> byCategory = new HashMap<>();
        for (Entry e : items.values()) {
            if (e.category != null && dirtyCategories.contains(e.category)) {
                byCategory.computeIfAbsent(e.category, c -> new ArrayList<>()).add(e);
            }
        }
        out.add(list(TrendingList.GLOBAL, new ArrayList<>(items.values()), now, halfLifeMs, version));
        List<String> categories = new ArrayList<>(dirtyCategories);
        categories.sort(null);
        for (String c : categories) {
            out.add(list(c, byCategory.getOrDefault(c, new ArrayList<>()), now, halfLifeMs, version));
        }
        dirtyCategories.clear();
        dirty = false;
        return out;
    }

    private TrendingList list(String category, List<Entry> entries, long now, double halfLifeMs, long version) {
        entries.sort(BEST_FIRST);
        int n = Math.min(size, entries.size());
        String[] ids = new String[n];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            ids[i] = entries.get(i).item;
            scores[i] = DecayedScores.valueAt(entries.get(i).key, now, halfLifeMs);
        }
        return new TrendingList(category, ids, scores, version, now);
    }

    private void prune() {
        List<Entry> all = new ArrayList<>(items.values());
        all.sort(BEST_FIRST);
        Set<String> keep = new HashSet<>();
        Map<String, Integer> perCategory = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            Entry e = all.get(i);
            int rank = e.category == null ? Integer.MAX_VALUE : perCategory.merge(e.category, 1, Integer::sum);
            if (i < size || rank <= size) {
                keep.add(e.item);
            }
        }
        items.keySet().retainAll(keep);
    }

    public Collection<Entry> entries() {
        return items.values();
    }

    /**
     * Restores checkpointed entries and marks everything changed: updates taken in before the checkpoint may
     * not have been drained yet, and they are not replayed, so the next drain republishes every list.
     */
    public void restore(Iterable<Entry> entries) {
        for (Entry e : entries) {
            items.put(e.item, e);
            if (e.category != null) {
                dirtyCategories.add(e.category);
            }
            dirty = true;
        }
    }

    public int tracked() {
        return items.size();
    }
}

package io.shoprank.job.trending;

import io.shoprank.job.features.DecayedScores;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
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
    private final int categorySize;
    private final int maxTracked;
    private final Map<String, Entry> items = new HashMap<>();
    /** The same entries by category, so a category's list never needs a scan of the whole board. */
    private final Map<String, Map<String, Entry>> byCategory = new HashMap<>();
    private final Set<String> dirtyCategories = new HashSet<>();
    private boolean dirty;
    private int pruneAt;

    public TrendingBoard(int size, int maxTracked) {
        this(size, size, maxTracked);
    }

    /**
     * @param size         length of the global list
     * @param categorySize length of each category's list
     * @param maxTracked   soft bound on the items tracked
     */
    public TrendingBoard(int size, int categorySize, int maxTracked) {
        this.size = size;
        this.categorySize = categorySize;
        this.maxTracked = maxTracked;
        this.pruneAt = maxTracked;
    }

    public void update(String item, String category, double key, long ts) {
        put(new Entry(item, category, key, ts));
        dirty = true;
        if (items.size() > pruneAt) {
            prune();
            // the per-category tops alone may exceed maxTracked: never prune again before the board doubles
            pruneAt = Math.max(maxTracked, 2 * items.size());
        }
    }

    private void put(Entry e) {
        Entry old = items.put(e.item, e);
        if (old != null && old.category != null && !old.category.equals(e.category)) {
            dirtyCategories.add(old.category);
            removeFromCategory(old);
        }
        if (e.category != null) {
            dirtyCategories.add(e.category);
            byCategory.computeIfAbsent(e.category, c -> new HashMap<>()).put(e.item, e);
        }
    }

    private void removeFromCategory(Entry e) {
        Map<String, Entry> members = byCategory.get(e.category);
        if (members != null) {
            members.remove(e.item);
            if (members.isEmpty()) {
                byCategory.remove(e.category);
            }
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
        out.add(list(TrendingList.GLOBAL, top(items.values(), size), now, halfLifeMs, version));
        List<String> categories = new ArrayList<>(dirtyCategories);
        categories.sort(null);
        for (String c : categories) {
            Map<String, Entry> members = byCategory.getOrDefault(c, Map.of());
            out.add(list(c, top(members.values(), categorySize), now, halfLifeMs, version));
        }
        dirtyCategories.clear();
        dirty = false;
        return out;
    }

    /** The best {@code n} entries, best first: a bounded heap, O(m log n) rather than sorting all m. */
    static List<Entry> top(Collection<Entry> entries, int n) {
        PriorityQueue<Entry> heap = new PriorityQueue<>(n + 1, BEST_FIRST.reversed());
        for (Entry e : entries) {
            if (heap.size() < n) {
                heap.add(e);
            } else if (BEST_FIRST.compare(e, heap.peek()) < 0) {
                heap.poll();
                heap.add(e);
            }
        }
        List<Entry> best = new ArrayList<>(heap);
        best.sort(BEST_FIRST);
        return best;
    }

    private static TrendingList list(String category, List<Entry> best, long now, double halfLifeMs, long version) {
        String[] ids = new String[best.size()];
        double[] scores = new double[best.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = best.get(i).item;
            scores[i] = DecayedScores.valueAt(best.get(i).key, now, halfLifeMs);
        }
        return new TrendingList(category, ids, scores, version, now);
    }

    /** Keeps the global top and every category's top; drops the rest (they come back with their next update). */
    private void prune() {
        Set<String> keep = new HashSet<>();
        for (Entry e : top(items.values(), size)) {
            keep.add(e.item);
        }
        for (Map<String, Entry> members : byCategory.values()) {
            for (Entry e : top(members.values(), categorySize)) {
                keep.add(e.item);
            }
        }
        List<Entry> drop = new ArrayList<>();
        for (Entry e : items.values()) {
            if (!keep.contains(e.item)) drop.add(e);
        }
        for (Entry e : drop) {
            items.remove(e.item);
            if (e.category != null) removeFromCategory(e);
        }
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
            put(e);
            dirty = true;
        }
    }

    public int tracked() {
        return items.size();
    }
}

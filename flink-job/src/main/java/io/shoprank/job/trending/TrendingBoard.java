package io.shoprank.job.trending;

import io.shoprank.job.features.DecayedScores;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The global and per-category trending tops, from items' decayed popularity keys ({@link DecayedScores}).
 *
 * <p>It holds only the tops: the best {@code size} items overall and the best {@code categorySize} of each
 * category. That is exact because an item's key never decreases (decay is built into the key) and every
 * update carries the item's whole key: an item outside a top can only enter it through an update of its own.
 * One exception: when an item moves to another category, its old category's top has a free place that an
 * item pushed out earlier only takes back with its own next update. Size: {@code size + categories x
 * categorySize} entries.
 */
public final class TrendingBoard {
    /** One item in a top (also the checkpointed form). */
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
    private final Top global;
    private final Map<String, Top> categories = new HashMap<>();
    /** The category top each item is held in. */
    private final Map<String, String> categoryOf = new HashMap<>();
    private final Set<String> dirtyCategories = new HashSet<>();
    private boolean dirty;
    /** Event time of the latest update taken in. */
    private long latestTs;

    public TrendingBoard(int size, int categorySize) {
        this.size = size;
        this.categorySize = categorySize;
        this.global = new Top(size);
    }

    /** A bounded top, best first, with its members by id. */
    private static final class Top {
        final int capacity;
        final TreeSet<Entry> ranked = new TreeSet<>(BEST_FIRST);
        final Map<String, Entry> byItem = new HashMap<>();
        /** The item the last offer pushed out, if any. */
        String evicted;

        Top(int capacity) {
            this.capacity = capacity;
        }

        /** Offers the item's new entry; true when the top changed. */
        boolean offer(Entry e) {
            evicted = null;
            Entry old = byItem.get(e.item);
            if (old != null) {
                if (old.key > e.key || (old.key == e.key && Objects.equals(old.category, e.category))) {
                    return false; // a stale or repeated update
                }
                ranked.remove(old);
            } else if (ranked.size() >= capacity && BEST_FIRST.compare(e, ranked.last()) > 0) {
                return false;
            }
            ranked.add(e);
            byItem.put(e.item, e);
            if (ranked.size() > capacity) {
                evicted = ranked.pollLast().item;
                byItem.remove(evicted);
            }
            return true;
        }

        boolean remove(String item) {
            Entry old = byItem.remove(item);
            return old != null && ranked.remove(old);
        }
    }

    public void update(String item, String category, double key, long ts) {
        latestTs = Math.max(latestTs, ts);
        String oldCategory = categoryOf.get(item);
        Entry held = global.byItem.get(item);
        if (held == null && oldCategory != null) {
            held = categories.get(oldCategory).byItem.get(item);
        }
        if (held != null && held.key > key) {
            return; // stale (delivered late, or an older board's entry on restore): must not move the item either
        }
        Entry e = new Entry(item, category, key, ts);
        boolean changed = global.offer(e);
        if (oldCategory != null && !oldCategory.equals(category)) {
            categories.get(oldCategory).remove(item);
            categoryOf.remove(item);
            dirtyCategories.add(oldCategory);
            changed = true;
        }
        if (category != null) {
            Top top = categories.computeIfAbsent(category, c -> new Top(categorySize));
            if (top.offer(e)) {
                categoryOf.put(item, category);
                if (top.evicted != null) {
                    categoryOf.remove(top.evicted);
                }
                dirtyCategories.add(category);
                changed = true;
            }
        }
        dirty |= changed;
    }

    /**
     * Takes the item out of every top (it went out of stock); it comes back with its next update. Its place
     * stays free until an item pushed out earlier updates again, as after a category move.
     */
    public void remove(String item) {
        boolean changed = global.remove(item);
        String category = categoryOf.remove(item);
        if (category != null && categories.get(category).remove(item)) {
            dirtyCategories.add(category);
            changed = true;
        }
        dirty |= changed;
    }

    /** Event time of the latest update taken in (0 before the first): how current the lists are. */
    public long latestTs() {
        return latestTs;
    }

    public boolean isDirty() {
        return dirty;
    }

    /** The global list (global when {@code category} is "" or null) or a category's, scored at {@code now}. */
    public TrendingList list(String category, long now, double halfLifeMs, long version) {
        return list(category, now, halfLifeMs, version, Integer.MAX_VALUE);
    }

    /** Like {@link #list(String, long, double, long)}, cut to the best {@code limit} (the ranking's fill needs few). */
    public TrendingList list(String category, long now, double halfLifeMs, long version, int limit) {
        Top top = category == null || category.isEmpty() ? global : categories.get(category);
        int n = top == null ? 0 : Math.min(limit, top.ranked.size());
        String[] ids = new String[n];
        double[] scores = new double[n];
        if (n > 0) {
            java.util.Iterator<Entry> best = top.ranked.iterator();
            for (int i = 0; i < n; i++) {
                Entry e = best.next();
                ids[i] = e.item;
                scores[i] = DecayedScores.valueAt(e.key, now, halfLifeMs);
            }
        }
        return new TrendingList(category == null ? TrendingList.GLOBAL : category, ids, scores, version, now);
    }

    /** The global list and the lists of the categories changed since the last call, scored at {@code now}. */
    public List<TrendingList> drain(long now, double halfLifeMs, long version) {
        List<TrendingList> out = new ArrayList<>();
        if (!dirty) {
            return out;
        }
        out.add(list(TrendingList.GLOBAL, now, halfLifeMs, version));
        List<String> changed = new ArrayList<>(dirtyCategories);
        changed.sort(null);
        for (String c : changed) {
            out.add(list(c, now, halfLifeMs, version));
        }
        dirtyCategories.clear();
        dirty = false;
        return out;
    }

    /** Every entry of every top (the checkpointed form); an item may appear twice (global and category). */
    public Collection<Entry> entries() {
        List<Entry> all = new ArrayList<>(global.ranked);
        for (Top t : categories.values()) {
            all.addAll(t.ranked);
        }
        return all;
    }

    /**
     * Restores checkpointed entries (several boards' entries may be merged: the best key per item wins) and
     * marks everything changed: updates taken in before the checkpoint may not have been published yet.
     */
    public void restore(Iterable<Entry> entries) {
        for (Entry e : entries) {
            update(e.item, e.category, e.key, e.ts);
        }
        dirtyCategories.addAll(categories.keySet());
        dirty = !global.ranked.isEmpty() || !categories.isEmpty();
    }

    /** Entries held, over all tops. */
    public int tracked() {
        int n = global.ranked.size();
        for (Top t : categories.values()) {
            n += t.ranked.size();
        }
        return n;
    }

    public int size() {
        return size;
    }

    public int categorySize() {
        return categorySize;
    }
}

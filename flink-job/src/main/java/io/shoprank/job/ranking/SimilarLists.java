package io.shoprank.job.ranking;

import io.shoprank.store.ListRefresh;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The similar-items lists as Redis holds them, seen from a ranking subtask: each touch carries its item's
 * current top neighbours, and the co-visitation stage writes the first {@code size} of them to Redis when
 * their items or order changed (scores otherwise lag), so this keeps the same. Used to check a target against
 * a stale list refreshed as a reader refreshes it ({@link ListRefresh}). At parallelism 1 every touch passes
 * here and the lists are exactly Redis's; at parallelism p a subtask sees the touches of its users only, so
 * its lists may be older (a refresh it checks is then one a reader would beat). A bounded cache, least recently
 * changed dropped first, not checkpointed: after a restart it refills from traffic.
 */
final class SimilarLists {
    private final int size;
    private final Map<String, ListRefresh.Similar> byItem;

    SimilarLists(int size, int capacity) {
        this.size = size;
        this.byItem = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ListRefresh.Similar> eldest) {
                return size() > capacity;
            }
        };
    }

    /** A touch of {@code item} with its current top neighbours, best first. */
    void touched(String item, String[] neighbours, double[] weights) {
        int n = Math.min(size, neighbours.length);
        ListRefresh.Similar held = byItem.get(item);
        if (held != null && held.items().equals(Arrays.asList(neighbours).subList(0, n))) {
            return; // the co-visitation stage does not rewrite it either
        }
        Double[] scores = new Double[n];
        for (int i = 0; i < n; i++) scores[i] = weights[i];
        byItem.remove(item);
        byItem.put(item, new ListRefresh.Similar(Arrays.asList(Arrays.copyOf(neighbours, n)), Arrays.asList(scores)));
    }

    ListRefresh.Similar get(String item) {
        return byItem.get(item);
    }
}

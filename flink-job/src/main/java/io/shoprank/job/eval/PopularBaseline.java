package io.shoprank.job.eval;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The "popular" reference baseline of {@code prequential_baselines.py}, incremental and exact.
 *
 * <p>Counts: per item, the sum of event weights over the events with {@code ts >= now - 24 h} (an event
 * leaves when the oldest queued event has {@code ts < t - 24 h} at the LEARN of an event at {@code t}). The
 * count table keeps first-insertion order; an item whose count drops to zero or below is removed and, when
 * it comes back, re-inserted at the end (Python dict / {@code Counter} semantics).
 *
 * <p>Ranking: {@link #refresh()} takes the {@code k + 200} items with the largest counts, ties in table
 * order ({@code Counter.most_common} is a stable sort). The driver calls {@link #beforeTest(long)} with the
 * 1-based number of every counted event before its TEST; it refreshes on the 1st, 501st, 1001st, ... event.
 *
 * <p>Serving: the ranking without the items the user has seen, cut to {@code k}.
 */
public final class PopularBaseline {

    public static final int DEFAULT_EXTRA = 200;
    public static final int DEFAULT_REFRESH_EVERY = 500;
    public static final long DEFAULT_WINDOW_MS = 24L * 3600 * 1000;

    private static final class Count {
        double value;
    }

    private record Queued(long ts, String item, double weight) {}

    private final int keep;
    private final int refreshEvery;
    private final long windowMs;

    private final LinkedHashMap<String, Count> counts = new LinkedHashMap<>();
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final Map<String, Set<String>> seen = new HashMap<>();
    private List<String> ranking = List.of();

    /** The script's settings for list length {@code k}: keeps {@code k + 200}, refreshes every 500, 24 h. */
    public PopularBaseline(int k) {
        this(k, DEFAULT_EXTRA, DEFAULT_REFRESH_EVERY, DEFAULT_WINDOW_MS);
    }

    public PopularBaseline(int k, int extra, int refreshEvery, long windowMs) {
        if (k < 0 || extra < 0 || refreshEvery < 1 || windowMs < 0) {
            throw new IllegalArgumentException("k=" + k + " extra=" + extra + " refreshEvery=" + refreshEvery
                    + " windowMs=" + windowMs);
        }
        this.keep = k + extra;
        this.refreshEvery = refreshEvery;
        this.windowMs = windowMs;
    }

    /**
     * Call before the TEST of counted event number {@code eventNumber} (1-based, in file order): refreshes the
     * ranking when {@code eventNumber % 500 == 1} (every event if refreshEvery is 1). Returns whether it did.
     */
    public boolean beforeTest(long eventNumber) {
        if ((eventNumber - 1) % refreshEvery == 0) {
            refresh();
            return true;
        }
        return false;
    }

    /** Recomputes the ranking from the current counts: the top {@code k + 200}, ties in table order. */
    public void refresh() {
        int cap = Math.min(keep, counts.size());
        // bounded heap of the best entries so far, the worst at the root; worse = lower count, or the same
        // count and later in table order (Counter.most_common is a stable sort by count)
        String[] items = new String[cap];
        double[] values = new double[cap];
        int[] order = new int[cap];
        int size = 0;
        int pos = 0;
        if (cap > 0) {
            for (Map.Entry<String, Count> e : counts.entrySet()) {
                double v = e.getValue().value;
                int p = pos++;
                if (size < cap) {
                    int c = size++;
                    while (c > 0) {  // sift up while worse than the parent
                        int parent = (c - 1) >>> 1;
                        if (!worse(v, p, values[parent], order[parent])) {
                            break;
                        }
                        items[c] = items[parent];
                        values[c] = values[parent];
                        order[c] = order[parent];
                        c = parent;
                    }
                    items[c] = e.getKey();
                    values[c] = v;
                    order[c] = p;
                } else if (v > values[0]) {  // a later entry beats the worst only with a larger count
                    int c = 0;
                    while (true) {  // sift down: move the worse child up while it is worse than the new entry
                        int l = 2 * c + 1;
                        if (l >= size) {
                            break;
                        }
                        int r = l + 1;
                        int w = r < size && worse(values[r], order[r], values[l], order[l]) ? r : l;
                        if (!worse(values[w], order[w], v, p)) {
                            break;
                        }
                        items[c] = items[w];
                        values[c] = values[w];
                        order[c] = order[w];
                        c = w;
                    }
                    items[c] = e.getKey();
                    values[c] = v;
                    order[c] = p;
                }
            }
        }
        Integer[] idx = new Integer[size];
        for (int i = 0; i < size; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> worse(values[a], order[a], values[b], order[b]) ? 1
                : worse(values[b], order[b], values[a], order[a]) ? -1 : 0);
        String[] top = new String[size];
        for (int i = 0; i < size; i++) {
            top[i] = items[idx[i]];
        }
        ranking = Collections.unmodifiableList(Arrays.asList(top));
    }

    private static boolean worse(double v, int p, double otherV, int otherP) {
        return v < otherV || (v == otherV && p > otherP);
    }

    /** The ranking of the last refresh, strongest first (at most {@code k + 200} items). */
    public List<String> ranking() {
        return ranking;
    }

    /** The first {@code k} items of the current ranking the user has not seen. */
    public List<String> recommend(String user, int k) {
        Set<String> s = seen.get(user);
        List<String> out = new ArrayList<>(Math.min(k, ranking.size()));
        for (String item : ranking) {
            if (out.size() >= k) {
                break;
            }
            if (s == null || !s.contains(item)) {
                out.add(item);
            }
        }
        return out;
    }

    /** LEARN a counted event (weight of its type). */
    public void learn(String user, String item, String type, long ts) {
        learn(user, item, PrequentialProtocol.weight(type), ts);
    }

    /** LEARN a counted event with an explicit weight. */
    public void learn(String user, String item, double weight, long ts) {
        Count c = counts.get(item);
        if (c == null) {
            c = new Count();
            counts.put(item, c);
        }
        c.value += weight;
        queue.addLast(new Queued(ts, item, weight));
        long limit = ts - windowMs;
        while (!queue.isEmpty() && queue.peekFirst().ts() < limit) {
            Queued q = queue.pollFirst();
            Count qc = counts.get(q.item());
            if (qc == null) {  // cannot happen with positive weights; mirrors Counter's missing-key arithmetic
                qc = new Count();
                counts.put(q.item(), qc);
            }
            qc.value -= q.weight();
            if (qc.value <= 0) {
                counts.remove(q.item());
            }
        }
        seen.computeIfAbsent(user, u -> new HashSet<>()).add(item);
    }

    /** The current windowed count of an item (0 when absent from the table). */
    public double count(String item) {
        Count c = counts.get(item);
        return c == null ? 0.0 : c.value;
    }

    /** The items of the count table in table order (first insertion, re-inserted at the end after removal). */
    public List<String> tableOrder() {
        return List.copyOf(counts.keySet());
    }
}

package io.shoprank.job.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "covisit" reference baseline of {@code prequential_baselines.py}, incremental and exact.
 *
 * <p>LEARN (user u, item i, weight w): for each entry j of u's last 5 history entries (oldest first; the
 * history keeps the last 20 entries, repeats included) with j != i, {@code co[j][i] += w} then
 * {@code co[i][j] += w}; then i is appended to the history and added to u's seen items.
 *
 * <p>Serve u: over u's last 3 history entries, newest first at distance d = 0, 1, 2, take each entry's 100
 * strongest neighbours ({@code co[j].most_common(100)}: count descending, ties in first-insertion order into
 * {@code co[j]}) and add {@code count / (1 + d)} to the neighbour's score; rank by score (ties in first
 * insertion into the score table), keep the first {@code k + |seen|}, drop seen items, keep {@code k}, then
 * fill up to {@code k} from the popular list (items not already in the list).
 *
 * <p>Each item's top-100 neighbours are maintained incrementally: counts only grow, so an item outside the
 * top can only enter it through its own increment, replacing the weakest member.
 */
public final class CoVisitBaseline {

    public static final int HISTORY = 20;
    public static final int PAIR_WINDOW = 5;
    public static final int SERVE_DEPTH = 3;
    public static final int NEIGHBOURS = 100;

    private final PopularBaseline fallback;
    private final int history;
    private final int pairWindow;
    private final int serveDepth;
    private final int neighbours;

    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<Table> co = new ArrayList<>();
    private final Map<String, UserState> users = new HashMap<>();

    // scratch for serving: score table keyed by item id, valid where mark == stamp
    private int[] mark = new int[0];
    private int[] slotOf = new int[0];
    private int stamp;
    private int[] candItem = new int[64];
    private double[] candScore = new double[64];
    private int[] best = new int[0];

    /** The script's settings; {@code fallback} (may be null) fills short lists and must learn the same events. */
    public CoVisitBaseline(PopularBaseline fallback) {
        this(fallback, HISTORY, PAIR_WINDOW, SERVE_DEPTH, NEIGHBOURS);
    }

    public CoVisitBaseline(PopularBaseline fallback, int history, int pairWindow, int serveDepth, int neighbours) {
        if (history < 1 || pairWindow < 0 || pairWindow > history || serveDepth < 0 || serveDepth > history
                || neighbours < 0) {
            throw new IllegalArgumentException("history=" + history + " pairWindow=" + pairWindow
                    + " serveDepth=" + serveDepth + " neighbours=" + neighbours);
        }
        this.fallback = fallback;
        this.history = history;
        this.pairWindow = pairWindow;
        this.serveDepth = serveDepth;
        this.neighbours = neighbours;
    }

    private static final class UserState {
        final int[] hist;
        int size;
        final IntSet seen = new IntSet();

        UserState(int history) {
            hist = new int[history];
        }

        void append(int item) {
            if (size == hist.length) {
                System.arraycopy(hist, 1, hist, 0, size - 1);
                size--;
            }
            hist[size++] = item;
        }
    }

    /** Serves {@code k} items, filled from the attached popular baseline (if any). */
    public List<String> recommend(String user, int k) {
        return recommend(user, k, fallback == null ? List.of() : fallback.recommend(user, k));
    }

    /** Serves {@code k} items, filled from {@code fill} (the popular list for this user). */
    public List<String> recommend(String user, int k, List<String> fill) {
        List<String> out = new ArrayList<>(k);
        UserState us = users.get(user);
        if (us != null && us.size > 0) {
            int n = 0;
            if (++stamp == 0) {  // wrapped: clear the marks
                Arrays.fill(mark, 0);
                stamp = 1;
            }
            int depth = Math.min(serveDepth, us.size);
            for (int d = 0; d < depth; d++) {
                Table t = co.get(us.hist[us.size - 1 - d]);
                if (t == null) {
                    continue;
                }
                double div = 1 + d;
                for (int p = 0; p < t.topSize; p++) {
                    int slot = t.top[p];
                    int x = t.keys[slot];
                    double add = t.counts[slot] / div;
                    if (mark[x] == stamp) {
                        candScore[slotOf[x]] += add;
                    } else {
                        if (n == candItem.length) {
                            candItem = Arrays.copyOf(candItem, n * 2);
                            candScore = Arrays.copyOf(candScore, n * 2);
                        }
                        mark[x] = stamp;
                        slotOf[x] = n;
                        candItem[n] = x;
                        candScore[n] = add;  // 0 + add == add
                        n++;
                    }
                }
            }
            // cand.most_common(k + |seen|), drop seen, keep k == the k best unseen candidates by (score
            // descending, insertion order): at most |seen| of the first k + |seen| are seen items.
            int size = 0;
            if (best.length < k) {
                best = new int[k];
            }
            for (int c = 0; c < n && k > 0; c++) {
                double s = candScore[c];
                if (size == k && !(s > candScore[best[k - 1]])) {
                    continue;  // ties lose against earlier candidates
                }
                if (us.seen.contains(candItem[c])) {
                    continue;
                }
                if (size == k) {
                    size--;
                }
                int lo = 0;
                int hi = size;
                while (lo < hi) {  // after every kept candidate with a score >= s
                    int mid = (lo + hi) >>> 1;
                    if (candScore[best[mid]] >= s) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                System.arraycopy(best, lo, best, lo + 1, size - lo);
                best[lo] = c;
                size++;
            }
            for (int r = 0; r < size; r++) {
                out.add(names.get(candItem[best[r]]));
            }
        }
        if (out.size() < k) {
            int have = out.size();
            for (String x : fill) {
                if (out.size() >= k) {
                    break;
                }
                if (!out.subList(0, have).contains(x)) {
                    out.add(x);
                }
            }
        }
        return out;
    }

    /** LEARN a counted event (weight of its type); {@code ts} is not used by this model. */
    public void learn(String user, String item, String type, long ts) {
        learn(user, item, PrequentialProtocol.weight(type));
    }

    /** LEARN a counted event with an explicit weight. */
    public void learn(String user, String item, double weight) {
        int i = id(item);
        UserState us = users.computeIfAbsent(user, u -> new UserState(history));
        for (int p = Math.max(0, us.size - pairWindow); p < us.size; p++) {
            int j = us.hist[p];
            if (j != i) {
                table(j).add(i, weight);
                table(i).add(j, weight);
            }
        }
        us.append(i);
        us.seen.add(i);
    }

    /** The strongest neighbours of an item with their counts (at most 100), as {@code co[item].most_common(100)}. */
    public Map<String, Double> neighbours(String item) {
        Map<String, Double> out = new LinkedHashMap<>();
        Integer i = ids.get(item);
        Table t = i == null ? null : co.get(i);
        if (t != null) {
            for (int p = 0; p < t.topSize; p++) {
                int slot = t.top[p];
                out.put(names.get(t.keys[slot]), t.counts[slot]);
            }
        }
        return out;
    }

    /** The pair count {@code co[a][b]} (0 when absent). */
    public double pairCount(String a, String b) {
        Integer i = ids.get(a);
        Integer j = ids.get(b);
        Table t = i == null || j == null ? null : co.get(i);
        if (t == null) {
            return 0.0;
        }
        int slot = t.find(j);
        return slot < 0 ? 0.0 : t.counts[slot];
    }

    /** The user's history (oldest first, at most 20 entries, repeats included). */
    public List<String> history(String user) {
        UserState us = users.get(user);
        List<String> out = new ArrayList<>();
        if (us != null) {
            for (int p = 0; p < us.size; p++) {
                out.add(names.get(us.hist[p]));
            }
        }
        return out;
    }

    private int id(String item) {
        Integer i = ids.get(item);
        if (i != null) {
            return i;
        }
        int n = names.size();
        ids.put(item, n);
        names.add(item);
        co.add(null);
        if (n >= mark.length) {
            int len = Math.max(1024, mark.length * 2);
            mark = Arrays.copyOf(mark, len);
            slotOf = Arrays.copyOf(slotOf, len);
        }
        return n;
    }

    private Table table(int item) {
        Table t = co.get(item);
        if (t == null) {
            t = new Table(neighbours);
            co.set(item, t);
        }
        return t;
    }

    /**
     * One item's neighbour counts in insertion order (slot = insertion index), with an open-addressing index
     * and the top-{@code cap} slots kept sorted by (count descending, slot ascending).
     */
    static final class Table {
        int[] keys = new int[4];
        double[] counts = new double[4];
        int[] posInTop = new int[4];  // position in top, -1 when outside
        int size;
        int[] index = new int[8];     // slot + 1, 0 = empty
        final int[] top;
        int topSize;

        Table(int cap) {
            top = new int[cap];
        }

        int find(int key) {
            int mask = index.length - 1;
            int h = mix(key) & mask;
            while (true) {
                int s = index[h];
                if (s == 0) {
                    return -1;
                }
                if (keys[s - 1] == key) {
                    return s - 1;
                }
                h = (h + 1) & mask;
            }
        }

        void add(int key, double w) {
            int mask = index.length - 1;
            int h = mix(key) & mask;
            int slot;
            while (true) {
                int s = index[h];
                if (s == 0) {
                    slot = insert(key, w, h);
                    break;
                }
                if (keys[s - 1] == key) {
                    slot = s - 1;
                    counts[slot] += w;
                    break;
                }
                h = (h + 1) & mask;
            }
            updateTop(slot);
        }

        private int insert(int key, double w, int h) {
            int slot = size;
            if (slot == keys.length) {
                int len = keys.length * 2;
                keys = Arrays.copyOf(keys, len);
                counts = Arrays.copyOf(counts, len);
                posInTop = Arrays.copyOf(posInTop, len);
            }
            keys[slot] = key;
            counts[slot] = 0.0 + w;
            posInTop[slot] = -1;
            size++;
            index[h] = slot + 1;
            if (size * 2 > index.length) {
                rehash();
            }
            return slot;
        }

        private void rehash() {
            int[] idx = new int[index.length * 2];
            int mask = idx.length - 1;
            for (int s = 0; s < size; s++) {
                int h = mix(keys[s]) & mask;
                while (idx[h] != 0) {
                    h = (h + 1) & mask;
                }
                idx[h] = s + 1;
            }
            index = idx;
        }

        private boolean better(int a, int b) {
            return counts[a] > counts[b] || (counts[a] == counts[b] && a < b);
        }

        private void updateTop(int slot) {
            int cap = top.length;
            if (cap == 0) {
                return;
            }
            int pos = posInTop[slot];
            if (pos < 0) {
                if (topSize < cap) {
                    pos = topSize++;
                } else {
                    int worst = top[cap - 1];
                    if (!better(slot, worst)) {
                        return;
                    }
                    posInTop[worst] = -1;
                    pos = cap - 1;
                }
                top[pos] = slot;
                posInTop[slot] = pos;
            }
            while (pos > 0 && better(slot, top[pos - 1])) {
                int other = top[pos - 1];
                top[pos] = other;
                posInTop[other] = pos;
                pos--;
            }
            top[pos] = slot;
            posInTop[slot] = pos;
        }

        private static int mix(int key) {
            int h = key * 0x9E3779B9;
            return h ^ (h >>> 16);
        }
    }

    /** A small open-addressing set of non-negative ints. */
    private static final class IntSet {
        private int[] table = new int[8];  // value + 1, 0 = empty
        private int size;

        int size() {
            return size;
        }

        boolean contains(int v) {
            int mask = table.length - 1;
            int h = Table.mix(v) & mask;
            while (true) {
                int s = table[h];
                if (s == 0) {
                    return false;
                }
                if (s == v + 1) {
                    return true;
                }
                h = (h + 1) & mask;
            }
        }

        void add(int v) {
            int mask = table.length - 1;
            int h = Table.mix(v) & mask;
            while (true) {
                int s = table[h];
                if (s == 0) {
                    break;
                }
                if (s == v + 1) {
                    return;
                }
                h = (h + 1) & mask;
            }
            table[h] = v + 1;
            size++;
            if (size * 2 > table.length) {
                int[] old = table;
                table = new int[old.length * 2];
                int m = table.length - 1;
                for (int s : old) {
                    if (s != 0) {
                        int g = Table.mix(s - 1) & m;
                        while (table[g] != 0) {
                            g = (g + 1) & m;
                        }
                        table[g] = s;
                    }
                }
            }
        }
    }
}

package io.shoprank.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refreshes a stale recommendation list at read time.
 *
 * <p>The job rebuilds a user's list at each of the user's events. Between events the list ages: its trending
 * entries ("popular in &lt;category&gt;", "popular now") were the trending items of the moment it was built,
 * and its co-visitation entries ("viewed together with &lt;item&gt;") came from the co-visitation counts of
 * that moment. For a user back after days both are days old, while Redis holds the current trending and
 * similar-items lists. So when a list is older than {@code staleAfterMs} (event time, against the global
 * trending list's as-of time), each of these entries is drawn again, in list order, from its source as it
 * stands now, skipping what is in the list already, what was drawn for an earlier slot and the user's
 * excluded items (stored beside the list):
 * <ul>
 *   <li>a trending entry: the next item of the same trending list;</li>
 *   <li>a co-visitation entry: the next of the user's co-visitation candidates recomputed from the current
 *   similar-items lists of the user's latest items (the seeds, stored beside the list, most recent first): a
 *   neighbour of the seed at distance d scores its similar-items score / (1 + d), summed over the seeds, as
 *   the job ranks them; its reason names the seed that contributes most.</li>
 * </ul>
 * Other entries (embedding neighbours) keep their places and items. A slot whose source has nothing left keeps
 * its old item, or takes the first stored item still free when that one is taken, so a refreshed list is as
 * long as the stored one. Scores stay the slot's: they are what the ranking gave that place.
 *
 * <p>The client ({@link FeatureStoreClient}) and the job's evaluation (the list a user is served) both use
 * this class, so the evaluation measures what a frontend reads. Pure: no I/O.
 */
public final class ListRefresh {
    /** Reason of a fill entry from global trending (the job writes exactly this). */
    public static final String POPULAR_NOW = "popular now";
    /** Prefix of a fill entry from a category's trending list: {@code "popular in " + category}. */
    public static final String POPULAR_IN = "popular in ";
    /** Prefix of a co-visitation entry: {@code "viewed together with " + seed}. */
    public static final String VIEWED_WITH = "viewed together with ";
    /** A list built this long before the current trending lists is refreshed (event time). */
    public static final long DEFAULT_STALE_AFTER_MS = 60 * 60 * 1000L;

    private ListRefresh() {
    }

    /**
     * How a refreshed list is ordered, chosen by the job from what served better so far and stored with each
     * list (meta field {@code stale_order}): {@link #SLOTS} keeps every entry in its place; {@link #FILL_FIRST}
     * puts the refreshed trending entries first (after a long absence current trending may beat the user's
     * personal entries), then the others, each group in list order.
     */
    public enum Order {
        SLOTS("slots"), FILL_FIRST("fill_first");

        public final String field;

        Order(String field) {
            this.field = field;
        }

        /** The order stored in the meta field; {@link #SLOTS} when absent or unknown. */
        public static Order parse(String field) {
            return FILL_FIRST.field.equals(field) ? FILL_FIRST : SLOTS;
        }
    }

    /** A similar-items list as Redis holds it: items best first, aligned scores. */
    public record Similar(List<String> items, List<Double> scores) {
        public static final Similar NONE = new Similar(List.of(), List.of());
    }

    /** The sources as they stand now (what Redis holds). */
    public interface Current {
        /** The trending list of {@link #fillSource} ("" = global); null or empty when unknown. */
        List<String> trending(String source);

        /** The item's similar-items list; null or {@link Similar#NONE} when unknown. */
        Similar similar(String item);
    }

    /**
     * A refreshed list: {@code items.get(j)} takes the place of stored entry {@code slots[j]}, whose score it
     * keeps; {@code reasons.get(j)} is its reason (a refreshed co-visitation entry names its own seed). As long
     * as the stored list unless stored items were excluded (which the job never writes).
     */
    public record Refreshed(List<String> items, List<String> reasons, int[] slots) {
        /**
         * This refresh, made in {@link Order#SLOTS}, in {@code order}: the picks do not depend on the order, so
         * both orders of a list cost one refresh. {@code storedReasons}: the stored list's reasons.
         */
        public Refreshed ordered(Order order, List<String> storedReasons) {
            if (order == Order.SLOTS) return this;
            List<String> out = new ArrayList<>(slots.length);
            List<String> outReasons = new ArrayList<>(slots.length);
            int[] outSlots = new int[slots.length];
            int j = 0;
            for (int pass = 0; pass < 2; pass++) { // the trending entries, then the others, each in list order
                for (int k = 0; k < slots.length; k++) {
                    if ((pass == 0) == (fillSource(storedReasons.get(slots[k])) != null)) {
                        out.add(items.get(k));
                        outReasons.add(reasons.get(k));
                        outSlots[j++] = slots[k];
                    }
                }
            }
            return new Refreshed(out, outReasons, outSlots);
        }

        /** The values of the stored list's aligned array (scores) for the refreshed entries. */
        public <T> List<T> aligned(List<T> stored) {
            List<T> out = new ArrayList<>(slots.length);
            for (int s : slots) out.add(stored.get(s));
            return out;
        }
    }

    /** The reason the job gives an entry taken from {@code category}'s trending list (global when null). */
    public static String reasonFor(String category) {
        return category == null ? POPULAR_NOW : POPULAR_IN + category;
    }

    /**
     * The trending list a fill entry came from: "" for global trending, the category for a category's, null
     * for any other entry.
     */
    public static String fillSource(String reason) {
        if (reason == null) return null;
        if (reason.equals(POPULAR_NOW)) return "";
        if (reason.startsWith(POPULAR_IN)) return reason.substring(POPULAR_IN.length());
        return null;
    }

    static boolean isCovisit(String reason) {
        return reason != null && reason.startsWith(VIEWED_WITH);
    }

    /** The categories whose trending lists a refresh of this list needs ("" is global trending). */
    public static Set<String> sources(List<String> reasons) {
        Set<String> out = new LinkedHashSet<>();
        for (String r : reasons) {
            String s = fillSource(r);
            if (s != null) out.add(s);
        }
        return out;
    }

    /** True when the list has co-visitation entries, whose refresh needs the seeds' similar-items lists. */
    public static boolean needsSimilar(List<String> reasons) {
        for (String r : reasons) {
            if (isCovisit(r)) return true;
        }
        return false;
    }

    /** True when a list as of {@code listTs} is stale against trending as of {@code trendingTs}. */
    public static boolean isStale(long listTs, long trendingTs, long staleAfterMs) {
        return trendingTs - listTs >= staleAfterMs;
    }

    /**
     * The list with its trending and co-visitation entries drawn again from their current sources.
     *
     * @param items    the stored list, best first
     * @param reasons  aligned with {@code items}
     * @param excluded items the user must not be shown (seen or bought)
     * @param seeds    the user's latest items, most recent first (the co-visitation seeds)
     * @param current  the sources as they stand now
     * @param order    how to order the result
     */
    public static Refreshed refresh(List<String> items, List<String> reasons, Collection<String> excluded,
                                    List<String> seeds, Current current, Order order) {
        int n = items.size();
        String[] picked = new String[n];
        String[] why = new String[n];
        boolean[] fill = new boolean[n];
        boolean[] covisit = new boolean[n];
        Set<String> taken = new HashSet<>(excluded);
        for (int i = 0; i < n; i++) {
            fill[i] = fillSource(reasons.get(i)) != null;
            covisit[i] = isCovisit(reasons.get(i));
            why[i] = reasons.get(i);
            if (!fill[i] && !covisit[i]) {
                picked[i] = items.get(i);
                taken.add(items.get(i));
            }
        }
        Map<String, List<String>> lists = new HashMap<>();
        Map<String, Integer> cursor = new HashMap<>();
        List<String[]> neighbours = null; // [item, seed], best first
        for (int i = 0; i < n; i++) {
            String source;
            List<String> from;
            if (fill[i]) {
                source = fillSource(reasons.get(i));
                from = lists.computeIfAbsent(source, s -> orEmpty(current.trending(s)));
            } else if (covisit[i]) {
                if (neighbours == null) neighbours = covisitCandidates(seeds, excluded, current);
                source = null;
                from = null;
            } else {
                continue;
            }
            int c = cursor.getOrDefault(source, 0);
            int size = from != null ? from.size() : neighbours.size();
            while (c < size && picked[i] == null) {
                String candidate = from != null ? from.get(c) : neighbours.get(c)[0];
                if (taken.add(candidate)) {
                    picked[i] = candidate;
                    if (from == null) why[i] = VIEWED_WITH + neighbours.get(c)[1];
                }
                c++;
            }
            cursor.put(source, c);
            if (picked[i] == null) picked[i] = leftover(items, i, taken);
        }
        List<String> out = new ArrayList<>(n);
        List<String> outReasons = new ArrayList<>(n);
        int[] slots = new int[n];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (picked[i] != null) {
                out.add(picked[i]);
                outReasons.add(why[i]);
                slots[j++] = i;
            }
        }
        return new Refreshed(out, outReasons, Arrays.copyOf(slots, j)).ordered(order, reasons);
    }

    /**
     * The co-visitation candidates from the seeds' current similar-items lists, best first, each with the seed
     * that contributes most (ties in first-seen order, as the job's ranking).
     */
    static List<String[]> covisitCandidates(List<String> seeds, Collection<String> excluded, Current current) {
        Set<String> skip = new HashSet<>(excluded);
        Map<String, double[]> score = new LinkedHashMap<>(); // item -> [sum, best contribution]
        Map<String, String> via = new HashMap<>();
        for (int d = 0; d < seeds.size(); d++) {
            Similar s = current.similar(seeds.get(d));
            if (s == null) continue;
            for (int i = 0; i < s.items().size(); i++) {
                String c = s.items().get(i);
                if (skip.contains(c)) continue;
                double contribution = s.scores().get(i) / (1.0 + d);
                double[] v = score.computeIfAbsent(c, k -> new double[2]);
                v[0] += contribution;
                if (contribution > v[1]) {
                    v[1] = contribution;
                    via.put(c, seeds.get(d));
                }
            }
        }
        List<Map.Entry<String, double[]>> ranked = new ArrayList<>(score.entrySet());
        ranked.sort((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0])); // stable
        List<String[]> out = new ArrayList<>(ranked.size());
        for (Map.Entry<String, double[]> e : ranked) out.add(new String[] {e.getKey(), via.get(e.getKey())});
        return out;
    }

    /**
     * A slot whose source has nothing left: its old item if still free, else the first stored item still free,
     * so the list keeps its length (stored items are never excluded: the job left them out); null only when
     * every stored item is taken.
     */
    private static String leftover(List<String> items, int slot, Set<String> taken) {
        if (taken.add(items.get(slot))) return items.get(slot);
        for (String item : items) {
            if (taken.add(item)) return item;
        }
        return null;
    }

    private static List<String> orEmpty(List<String> l) {
        return l == null ? List.of() : l;
    }
}

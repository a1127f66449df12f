package io.shoprank.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Refreshes the trending part of a stale recommendation list at read time.
 *
 * <p>The job rebuilds a user's list at each of the user's events. Between events the personal entries
 * (co-visitation, embedding neighbours) stay right, but the fill entries ("popular in &lt;category&gt;",
 * "popular now") were the trending items of the moment the list was built: for a user back after days, weeks
 * old. So when a list is older than {@code staleAfterMs} (event time, against the global trending list's
 * as-of time), each fill entry is replaced, in order, by the best item of the same trending list as it stands
 * now that is not in the list already and not excluded (the user's latest seen or bought items, stored beside
 * the list); the personal entries keep their places. A slot whose trending list has nothing left keeps its
 * old item unless that one is taken. Scores stay the slot's: they are what the ranking gave that place.
 *
 * <p>The client ({@link FeatureStoreClient}) and the job's evaluation (the list a user is served) both use
 * this class, so the evaluation measures exactly what a frontend reads. Pure: no I/O.
 */
public final class FillRefresh {
    /** Reason of a fill entry from global trending (the job writes exactly this). */
    public static final String POPULAR_NOW = "popular now";
    /** Prefix of a fill entry from a category's trending list: {@code "popular in " + category}. */
    public static final String POPULAR_IN = "popular in ";
    /** A list built this long before the current trending lists gets its fill refreshed (event time). */
    public static final long DEFAULT_STALE_AFTER_MS = 60 * 60 * 1000L;
    /** The latest excluded items stored beside a list for the refresh (older ones may come back in a fill). */
    public static final int MAX_EXCLUDED = 50;

    private FillRefresh() {
    }

    /** The reason the job gives an entry taken from {@code category}'s trending list (global when null). */
    public static String reasonFor(String category) {
        return category == null ? POPULAR_NOW : POPULAR_IN + category;
    }

    /**
     * The trending list a fill entry came from: "" for global trending, the category for a category's, null
     * when the entry is personal (any other reason).
     */
    public static String fillSource(String reason) {
        if (reason == null) return null;
        if (reason.equals(POPULAR_NOW)) return "";
        if (reason.startsWith(POPULAR_IN)) return reason.substring(POPULAR_IN.length());
        return null;
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

    /** True when a list as of {@code listTs} is stale against trending as of {@code trendingTs}. */
    public static boolean isStale(long listTs, long trendingTs, long staleAfterMs) {
        return trendingTs - listTs >= staleAfterMs;
    }

    /**
     * How a refreshed list is ordered, chosen by the job from what served better so far and stored with each
     * list (meta field {@code stale_order}): {@link #SLOTS} keeps every entry in its place; {@link #FILL_FIRST}
     * puts the refreshed trending entries first (after a long absence current trending may beat the user's
     * old neighbours), then the personal ones, each group in list order.
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

    /**
     * A refreshed list: {@code items.get(j)} takes the place of stored entry {@code slots[j]}, whose score and
     * reason it keeps. Entries with nothing left to show (their trending list ran out and their old item is
     * taken) are dropped.
     */
    public record Refreshed(List<String> items, int[] slots) {
        /** The values of the stored list's aligned array (scores, reasons) for the refreshed entries. */
        public <T> List<T> aligned(List<T> stored) {
            List<T> out = new ArrayList<>(slots.length);
            for (int s : slots) out.add(stored.get(s));
            return out;
        }
    }

    /**
     * The list with its fill entries replaced from the current trending lists (as stored when it has none).
     *
     * @param items    the stored list, best first
     * @param reasons  aligned with {@code items}
     * @param excluded items the user must not be shown (seen or bought)
     * @param trending current trending list by {@link #fillSource} ("" = global); null or empty when unknown
     * @param order    how to order the result
     */
    public static Refreshed refresh(List<String> items, List<String> reasons, Collection<String> excluded,
                                    Function<String, List<String>> trending, Order order) {
        int n = items.size();
        String[] picked = new String[n];
        boolean[] fill = new boolean[n];
        Set<String> taken = new HashSet<>(excluded);
        for (int i = 0; i < n; i++) {
            fill[i] = fillSource(reasons.get(i)) != null;
            if (!fill[i]) {
                picked[i] = items.get(i);
                taken.add(items.get(i));
            }
        }
        Map<String, Integer> cursor = new HashMap<>();
        Map<String, List<String>> lists = new HashMap<>();
        for (int i = 0; i < n; i++) {
            if (!fill[i]) continue;
            String source = fillSource(reasons.get(i));
            List<String> current = lists.computeIfAbsent(source, s -> {
                List<String> l = trending.apply(s);
                return l == null ? List.of() : l;
            });
            int c = cursor.getOrDefault(source, 0);
            while (c < current.size() && picked[i] == null) {
                String candidate = current.get(c++);
                if (taken.add(candidate)) picked[i] = candidate;
            }
            cursor.put(source, c);
            if (picked[i] == null && taken.add(items.get(i))) picked[i] = items.get(i);
        }
        List<String> out = new ArrayList<>(n);
        int[] slots = new int[n];
        int j = 0;
        for (int pass = order == Order.FILL_FIRST ? 0 : 1; pass < 2; pass++) {
            for (int i = 0; i < n; i++) {
                // FILL_FIRST: fill entries in pass 0, personal ones in pass 1; SLOTS: everything in pass 1
                boolean now = order == Order.SLOTS || (pass == 0) == fill[i];
                if (now && picked[i] != null) {
                    out.add(picked[i]);
                    slots[j++] = i;
                }
            }
        }
        return new Refreshed(out, Arrays.copyOf(slots, j));
    }
}

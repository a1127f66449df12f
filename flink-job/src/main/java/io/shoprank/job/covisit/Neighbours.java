package io.shoprank.job.covisit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Ranked neighbour lists: the strongest {@code k} of (id, weight) entries, ties by id for determinism. */
public final class Neighbours {
    private Neighbours() {}

    /** A ranked list, strongest first. */
    public record Ranked(String[] ids, double[] weights) {
        public static final Ranked EMPTY = new Ranked(new String[0], new double[0]);
    }

    private static final Comparator<Map.Entry<String, Double>> STRONGEST_FIRST =
            Comparator.<Map.Entry<String, Double>>comparingDouble(Map.Entry::getValue).reversed()
                    .thenComparing(Map.Entry::getKey);

    public static Ranked top(Iterable<Map.Entry<String, Double>> entries, int k) {
        List<Map.Entry<String, Double>> all = strongestFirst(entries);
        int n = Math.min(k, all.size());
        String[] ids = new String[n];
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            ids[i] = all.get(i).getKey();
            weights[i] = all.get(i).getValue();
        }
        return new Ranked(ids, weights);
    }

    /** The ids beyond the strongest {@code keep}: the ones to evict when an item's neighbour table overflows. */
    public static List<String> weakest(Iterable<Map.Entry<String, Double>> entries, int keep) {
        List<Map.Entry<String, Double>> all = strongestFirst(entries);
        List<String> out = new ArrayList<>();
        for (int i = keep; i < all.size(); i++) {
            out.add(all.get(i).getKey());
        }
        return out;
    }

    /** A sorted copy (state iterators may reuse their entry objects). */
    private static List<Map.Entry<String, Double>> strongestFirst(Iterable<Map.Entry<String, Double>> entries) {
        List<Map.Entry<String, Double>> all = new ArrayList<>();
        for (Map.Entry<String, Double> e : entries) {
            all.add(Map.entry(e.getKey(), e.getValue()));
        }
        all.sort(STRONGEST_FIRST);
        return all;
    }
}

package io.shoprank.job.ranking;

import io.shoprank.job.trending.TrendingList;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds a user's top-K: co-visitation neighbours of the user's latest items (a neighbour of the item at
 * distance d counts weight / (1 + d)), minus the excluded items, then filled up to K from the trending lists
 * of the user's categories, then from global trending. Pure: no Flink, no I/O.
 */
public final class CandidateRanker {
    /** Fill entries score below every co-visitation candidate; this keeps the scores ordered. */
    private static final double FILL_SCORE_SCALE = 1e-6;

    private CandidateRanker() {}

    public static RankedList rank(Seed[] seeds, Set<String> excluded, String[] topCategories,
                                  Function<String, TrendingList> trending, int k) {
        Map<String, Double> score = new LinkedHashMap<>();
        Map<String, String> via = new HashMap<>();
        Map<String, Double> bestContribution = new HashMap<>();
        for (int d = 0; d < seeds.length; d++) {
            Seed s = seeds[d];
            for (int i = 0; i < s.neighbours.length; i++) {
                String c = s.neighbours[i];
                if (excluded.contains(c)) continue;
                double contribution = s.weights[i] / (1.0 + d);
                score.merge(c, contribution, Double::sum);
                if (contribution > bestContribution.getOrDefault(c, 0.0)) {
                    bestContribution.put(c, contribution);
                    via.put(c, s.item);
                }
            }
        }
        List<Map.Entry<String, Double>> ranked = new ArrayList<>(score.entrySet());
        ranked.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())); // stable: ties keep first-seen order
        List<String> items = new ArrayList<>(k);
        List<Double> scores = new ArrayList<>(k);
        List<String> reasons = new ArrayList<>(k);
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < ranked.size() && items.size() < k; i++) {
            String c = ranked.get(i).getKey();
            items.add(c);
            scores.add(ranked.get(i).getValue());
            reasons.add("viewed together with " + via.get(c));
            taken.add(c);
        }
        for (String category : topCategories) {
            fill(trending.apply(category), "popular in " + category, excluded, taken, items, scores, reasons, k);
        }
        fill(trending.apply(TrendingList.GLOBAL), "popular now", excluded, taken, items, scores, reasons, k);
        return new RankedList(items.toArray(new String[0]), scores.stream().mapToDouble(Double::doubleValue).toArray(),
                reasons.toArray(new String[0]));
    }

    private static void fill(TrendingList list, String reason, Set<String> excluded, Set<String> taken,
                             List<String> items, List<Double> scores, List<String> reasons, int k) {
        if (list == null) return;
        double floor = scores.isEmpty() ? Double.MAX_VALUE : scores.get(scores.size() - 1);
        for (int i = 0; i < list.items.length && items.size() < k; i++) {
            String c = list.items[i];
            if (excluded.contains(c) || !taken.add(c)) continue;
            double s = Math.min(floor, list.scores[i] * FILL_SCORE_SCALE);
            items.add(c);
            scores.add(s);
            reasons.add(reason);
            floor = s;
        }
    }
}

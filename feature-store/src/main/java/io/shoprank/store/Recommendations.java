package io.shoprank.store;

import java.util.List;

/**
 * A ranked list as read by {@link FeatureStoreClient}, with its meta data.
 *
 * @param items        item ids, best first
 * @param scores       aligned with {@code items}
 * @param reasons      aligned with {@code items}; "" where the job gave no reason
 * @param personalised false when the user had no list and global trending was returned instead
 * @param version      the list's version; 0 when there is no list at all
 * @param asOfTs       event time (epoch ms) the list is fresh as of; 0 when there is no list at all
 */
public record Recommendations(List<String> items, List<Double> scores, List<String> reasons,
                              boolean personalised, long version, long asOfTs) {

    public Recommendations {
        items = List.copyOf(items);
        scores = List.copyOf(scores);
        reasons = List.copyOf(reasons);
        if (scores.size() != items.size() || reasons.size() != items.size()) {
            throw new IllegalArgumentException("items, scores and reasons must be aligned");
        }
    }

    /** Neither the user's list nor the trending fallback exists. */
    public static Recommendations none() {
        return new Recommendations(List.of(), List.of(), List.of(), false, 0, 0);
    }
}

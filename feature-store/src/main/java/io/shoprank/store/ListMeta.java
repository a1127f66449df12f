package io.shoprank.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;

/** Reads a list together with its meta hash into {@link Recommendations}. */
final class ListMeta {

    /** The meta hash fields, in the order {@link #parse} expects them (as HMGET returns them). */
    static final String[] FIELDS = {"v", "ts", "scores", "reasons"};

    private ListMeta() {
    }

    /**
     * @param items the list, possibly cut to its first k entries
     * @param meta  HMGET of {@link #FIELDS} on the list's meta hash
     * @throws IllegalStateException if the meta hash is missing or does not cover the list: the writer
     *                               stores both atomically, so this is corrupt data, not a race
     */
    static Recommendations parse(String metaKey, List<String> items, List<String> meta, boolean personalised) {
        if (items.isEmpty()) {
            return Recommendations.none();
        }
        String version = meta.get(0);
        String asOfTs = meta.get(1);
        String scoresJson = meta.get(2);
        String reasonsJson = meta.get(3);
        if (version == null || asOfTs == null || scoresJson == null || reasonsJson == null) {
            throw new IllegalStateException("Meta hash " + metaKey + " is missing or incomplete");
        }
        try {
            double[] scores = MetaJson.parseScores(scoresJson);
            List<String> reasons = MetaJson.parseReasons(reasonsJson);
            int n = items.size();
            if (scores.length < n || reasons.size() < n) {
                throw new IllegalStateException("Meta hash " + metaKey + " has fewer scores or reasons than "
                        + n + " list items");
            }
            List<Double> topScores = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                topScores.add(scores[i]);
            }
            return new Recommendations(items, topScores, reasons.subList(0, n), personalised,
                    Long.parseLong(version), Long.parseLong(asOfTs));
        } catch (JsonProcessingException | NumberFormatException e) {
            throw new IllegalStateException("Malformed meta hash " + metaKey, e);
        }
    }
}

package io.shoprank.it;

import io.shoprank.job.ranking.UserRanking;
import io.shoprank.store.FeatureStoreClient;
import io.shoprank.store.Recommendations;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks what a frontend reads from Redis against the {@link ExpectedState} of a fully replayed file. */
public final class RedisAssertions {
    private RedisAssertions() {}

    /**
     * Every user has features and a full personalised list whose version counts all the user's item events,
     * with none of the user's own items; every item has features counting all its events.
     *
     * @param itemVersionExtra catalog upserts per item add to the item-feature version; 0 without a catalog
     */
    public static void assertComplete(ExpectedState expected, FeatureStoreClient store, int k,
                                      Map<String, Integer> itemVersionExtra) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Integer> u : expected.userEvents.entrySet()) {
            String v = store.userFeatures(u.getKey()).get("v");
            if (!String.valueOf(u.getValue()).equals(v)) {
                problems.add("user " + u.getKey() + " features v=" + v + ", expected " + u.getValue());
            }
        }
        for (Map.Entry<String, Integer> u : expected.userItemEvents.entrySet()) {
            Recommendations r = store.recommendationsWithMeta(u.getKey(), k);
            Set<String> own = expected.userItems.get(u.getKey());
            if (!r.personalised() || r.version() / UserRanking.VERSION_STRIDE != u.getValue()) {
                problems.add("user " + u.getKey() + " list version " + r.version() + " personalised="
                        + r.personalised() + ", expected version " + u.getValue());
            } else if (r.items().size() != k) {
                problems.add("user " + u.getKey() + " list has " + r.items().size() + " items, expected " + k);
            } else if (r.items().stream().anyMatch(own::contains)) {
                problems.add("user " + u.getKey() + " list contains an item the user already interacted with");
            }
        }
        for (Map.Entry<String, Integer> i : expected.itemEvents.entrySet()) {
            String v = store.itemFeatures(i.getKey()).get("v");
            int want = i.getValue() + itemVersionExtra.getOrDefault(i.getKey(), 0);
            if (!String.valueOf(want).equals(v)) {
                problems.add("item " + i.getKey() + " features v=" + v + ", expected " + want);
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " problems, first: "
                + problems.subList(0, Math.min(10, problems.size())));
        assertEquals(k, store.trending(k).size(), "global trending list");
    }
}

package io.shoprank.job.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.job.trending.TrendingList;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class CandidateRankerTest {

    private static final double EPS = 1e-12;

    /** Seed x (latest) with neighbours a=2, b=1; seed y (one before) with neighbours b=4, c=3. */
    private static final Seed[] SEEDS = {
        new Seed("x", new String[] {"a", "b"}, new double[] {2, 1}),
        new Seed("y", new String[] {"b", "c"}, new double[] {4, 3}),
    };

    private final Map<String, TrendingList> trending = new HashMap<>();

    @Test
    void neighboursOfOlderSeedsCountLess() {
        RankedList r = rank(SEEDS, Set.of(), new String[0], 10);

        // a = 2/1; b = 1/1 + 4/2 = 3; c = 3/2
        assertArrayEquals(new String[] {"b", "a", "c"}, r.items());
        assertArrayEquals(new double[] {3.0, 2.0, 1.5}, r.scores(), EPS);
    }

    @Test
    void reasonNamesTheSeedThatContributedMost() {
        RankedList r = rank(SEEDS, Set.of(), new String[0], 10);

        // b got 1 via x and 2 via y
        assertArrayEquals(new String[] {"viewed together with y", "viewed together with x", "viewed together with y"},
                r.reasons());
    }

    @Test
    void excludedItemsNeverAppear() {
        trending.put(TrendingList.GLOBAL, list("", "b", "d"));

        RankedList r = rank(SEEDS, Set.of("b", "d"), new String[0], 10);

        assertArrayEquals(new String[] {"a", "c"}, r.items());
    }

    @Test
    void cutToK() {
        RankedList r = rank(SEEDS, Set.of(), new String[0], 2);

        assertArrayEquals(new String[] {"b", "a"}, r.items());
        assertEquals(2, r.scores().length);
        assertEquals(2, r.reasons().length);
    }

    @Test
    void fillsFromTheUsersCategoriesThenFromGlobalTrending() {
        trending.put("cat1", list("cat1", "c", "d", "e"));
        trending.put(TrendingList.GLOBAL, list("", "f", "d", "g"));

        RankedList r = rank(SEEDS, Set.of(), new String[] {"cat1"}, 6);

        assertArrayEquals(new String[] {"b", "a", "c", "d", "e", "f"}, r.items(), "c and d are not taken twice");
        assertArrayEquals(new String[] {"viewed together with y", "viewed together with x", "viewed together with y",
                "popular in cat1", "popular in cat1", "popular now"}, r.reasons());
    }

    @Test
    void fillScoresStayBelowEveryCoVisitationScoreAndNeverIncrease() {
        trending.put("cat1", list("cat1", "c", "d", "e"));  // scores 3, 2, 1
        trending.put(TrendingList.GLOBAL, list("", "f", "d", "g"));

        RankedList r = rank(SEEDS, Set.of(), new String[] {"cat1"}, 7);

        double[] s = r.scores();
        // d: 2e-6; e: 1e-6; f (global score 3e-6) is capped at e's; g the same
        assertArrayEquals(new double[] {3.0, 2.0, 1.5, 2e-6, 1e-6, 1e-6, 1e-6}, s, EPS);
    }

    @Test
    void categoriesAreTriedInTheOrderGiven() {
        trending.put("cat1", list("cat1", "p"));
        trending.put("cat2", list("cat2", "q"));

        RankedList r = rank(new Seed[0], Set.of(), new String[] {"cat2", "cat1"}, 2);

        assertArrayEquals(new String[] {"q", "p"}, r.items());
        assertArrayEquals(new String[] {"popular in cat2", "popular in cat1"}, r.reasons());
    }

    @Test
    void newUserGetsGlobalTrending() {
        trending.put(TrendingList.GLOBAL, list("", "f", "d", "g"));

        RankedList r = rank(new Seed[0], Set.of(), new String[0], 2);

        assertArrayEquals(new String[] {"f", "d"}, r.items());
        assertArrayEquals(new double[] {3e-6, 2e-6}, r.scores(), EPS);
        assertArrayEquals(new String[] {"popular now", "popular now"}, r.reasons());
    }

    @Test
    void missingTrendingListsAreSkipped() {
        RankedList r = rank(new Seed[0], Set.of(), new String[] {"unknown"}, 5);

        assertEquals(0, r.items().length);
        assertEquals(0, r.scores().length);
        assertEquals(0, r.reasons().length);
    }

    @Test
    void tiesKeepFirstSeenOrder() {
        Seed s = new Seed("x", new String[] {"m", "a", "z"}, new double[] {1, 1, 1});

        assertArrayEquals(new String[] {"m", "a", "z"}, rank(new Seed[] {s}, Set.of(), new String[0], 3).items());
    }

    /** Randomised property check (fixed seed): always K items when there are enough, no duplicates, no excluded. */
    @Test
    void alwaysFilledToKWhenEnoughItemsExist() {
        Random rnd = new Random(42);
        for (int round = 0; round < 300; round++) {
            trending.clear();
            Seed[] seeds = new Seed[rnd.nextInt(4)];
            for (int d = 0; d < seeds.length; d++) {
                int n = rnd.nextInt(6);
                String[] ids = new String[n];
                double[] w = new double[n];
                for (int i = 0; i < n; i++) {
                    ids[i] = "i" + rnd.nextInt(30);
                    w[i] = 0.1 + rnd.nextInt(50) / 10.0;
                }
                seeds[d] = new Seed("s" + d, ids, w);
            }
            String[] cats = {"c0", "c1"};
            for (String c : cats) {
                if (rnd.nextBoolean()) trending.put(c, list(c, randomIds(rnd, 8)));
            }
            trending.put(TrendingList.GLOBAL, list("", randomIds(rnd, 20)));
            Set<String> excluded = new HashSet<>();
            for (int i = 0; i < rnd.nextInt(10); i++) excluded.add("i" + rnd.nextInt(30));
            int k = 1 + rnd.nextInt(12);

            RankedList r = rank(seeds, excluded, cats, k);

            Set<String> available = new LinkedHashSet<>();
            for (Seed s : seeds) available.addAll(List.of(s.neighbours));
            for (TrendingList l : trending.values()) available.addAll(List.of(l.items));
            available.removeAll(excluded);
            String context = "round " + round + ": " + List.of(r.items());
            assertEquals(Math.min(k, available.size()), r.items().length, context);
            assertEquals(r.items().length, new HashSet<>(List.of(r.items())).size(), "duplicates in " + context);
            for (String item : r.items()) assertFalse(excluded.contains(item), context);
            for (int i = 1; i < r.scores().length; i++) {
                assertTrue(r.scores()[i] <= r.scores()[i - 1], "scores must not increase: " + context);
            }
        }
    }

    private RankedList rank(Seed[] seeds, Set<String> excluded, String[] categories, int k) {
        CandidatePool pool = CandidateRanker.pool(seeds, excluded, categories, trending::get, new String[0], 50, k);
        return CandidateRanker.rank(pool, new SourceCalibration(), CandidateRanker.Adjustment.NONE, i -> null, k, k);
    }

    /** A trending list whose i-th of n items scores n - i. */
    private static TrendingList list(String category, String... items) {
        double[] scores = new double[items.length];
        for (int i = 0; i < items.length; i++) scores[i] = items.length - i;
        return new TrendingList(category, items, scores, 1, 0);
    }

    private static String[] randomIds(Random rnd, int n) {
        Set<String> ids = new LinkedHashSet<>();
        while (ids.size() < n) ids.add("i" + rnd.nextInt(30));
        return ids.toArray(new String[0]);
    }
}

package io.shoprank.job.ranking;

import static io.shoprank.job.ranking.CandidateSource.CATEGORY_1;
import static io.shoprank.job.ranking.CandidateSource.CATEGORY_2;
import static io.shoprank.job.ranking.CandidateSource.COVISIT;
import static io.shoprank.job.ranking.CandidateSource.GLOBAL;
import static io.shoprank.job.ranking.Pools.covisitSlot;
import static io.shoprank.job.ranking.Pools.fillSlot;
import static io.shoprank.job.ranking.Pools.noisyOr;
import static io.shoprank.job.ranking.Pools.prior;
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

/**
 * The ranker with a fresh {@link SourceCalibration} (the priors, learning off): a candidate's score is the
 * noisy-OR of its sources' priors ({@code SourceCalibration.prior(source, slot)}). A co-visitation candidate's
 * slot is its strength {@code 10 - floor(log2(1 + summed score))} by the group of its rank among the user's
 * neighbours (0; 1-2; 3-5; ...), any other source's slot the user's context (0: no neighbours, 1: under 10,
 * 2: more) by the bucket of its rank (ranks 0..3 are buckets 0..3). Every co-visitation slot's prior is above
 * every other slot's.
 */
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
        CandidatePool pool = pool(SEEDS, Set.of(), new String[0], 10);

        // a = 2/1; b = 1/1 + 4/2 = 3; c = 3/2 (without the discount: b = 5, c = 3 > a = 2)
        assertEquals(3.0, pool.get("b").covisit(), EPS);
        assertEquals(2.0, pool.get("a").covisit(), EPS);
        assertEquals(1.5, pool.get("c").covisit(), EPS);
        assertEquals(List.of(0, 1, 2), List.of(pool.get("b").rank(COVISIT), pool.get("a").rank(COVISIT),
                pool.get("c").rank(COVISIT)));

        RankedList r = rank(SEEDS, Set.of(), new String[0], 10);

        assertArrayEquals(new String[] {"b", "a", "c"}, r.items());
        // b: floor(log2(4)) = 2, strength 8, the best neighbour; a, c: floor(log2(3)) = floor(log2(2.5)) = 1,
        // strength 9, ranks 1 and 2: one rank group (a first: pool order)
        assertEquals(covisitSlot(8, 0), SourceCalibration.slot(pool.get("b"), COVISIT));
        assertEquals(covisitSlot(9, 1), SourceCalibration.slot(pool.get("a"), COVISIT));
        assertEquals(covisitSlot(9, 1), SourceCalibration.slot(pool.get("c"), COVISIT));
        assertArrayEquals(new double[] {prior(COVISIT, covisitSlot(8, 0)), prior(COVISIT, covisitSlot(9, 1)),
            prior(COVISIT, covisitSlot(9, 1))}, r.scores(), EPS);
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
        trending.put(TrendingList.GLOBAL, Pools.list("", "b", "d"));

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
        trending.put("cat1", Pools.list("cat1", "p", "q", "r"));
        trending.put(TrendingList.GLOBAL, Pools.list("", "s", "t", "u"));

        RankedList r = rank(new Seed[0], Set.of(), new String[] {"cat1"}, 5);

        assertArrayEquals(new String[] {"p", "q", "r", "s", "t"}, r.items());
        // no neighbours: context 0
        assertArrayEquals(new double[] {prior(CATEGORY_1, fillSlot(0, 0)), prior(CATEGORY_1, fillSlot(0, 1)),
            prior(CATEGORY_1, fillSlot(0, 2)), prior(GLOBAL, fillSlot(0, 0)), prior(GLOBAL, fillSlot(0, 1))},
                r.scores(), EPS);
        assertArrayEquals(new String[] {"popular in cat1", "popular in cat1", "popular in cat1", "popular now",
                "popular now"}, r.reasons());
    }

    @Test
    void aCandidateOfSeveralSourcesIsTakenOnceAndRisesAboveEachAlone() {
        trending.put("cat1", Pools.list("cat1", "c", "d", "e"));
        trending.put(TrendingList.GLOBAL, Pools.list("", "f", "d", "g"));

        RankedList r = rank(SEEDS, Set.of(), new String[] {"cat1"}, 6);

        // c: neighbour (strength 9, rank 2) and cat1's first; d: cat1's second and global's second
        assertArrayEquals(new String[] {"c", "b", "a", "d", "e", "f"}, r.items(), "c and d are not taken twice");
        assertTrue(r.scores()[0] > prior(COVISIT, covisitSlot(9, 1)) && r.scores()[0] > prior(CATEGORY_1, fillSlot(1, 0)));
        assertTrue(r.scores()[0] > prior(COVISIT, covisitSlot(8, 0)), "c overtakes the strongest neighbour b");
        assertTrue(r.scores()[3] > prior(CATEGORY_1, fillSlot(1, 1)) && r.scores()[3] > prior(GLOBAL, fillSlot(1, 1)));
        assertTrue(r.scores()[3] < r.scores()[2], "but d, a fill of two sources, stays below every neighbour");
        // the reason is the source with the highest probability: for c its neighbour slot beats its category rank
        assertArrayEquals(new String[] {"viewed together with y", "viewed together with y", "viewed together with x",
            "popular in cat1", "popular in cat1", "popular now"}, r.reasons());
    }

    @Test
    void scoresAreTheNoisyOrOfEachSourcesPrior() {
        trending.put("cat1", Pools.list("cat1", "c", "d", "e"));
        trending.put(TrendingList.GLOBAL, Pools.list("", "f", "d", "g"));

        RankedList r = rank(SEEDS, Set.of(), new String[] {"cat1"}, 7);

        assertArrayEquals(new String[] {"c", "b", "a", "d", "e", "f", "g"}, r.items());
        // three neighbours: the fills are in context 1
        assertArrayEquals(new double[] {
            noisyOr(prior(COVISIT, covisitSlot(9, 1)), prior(CATEGORY_1, fillSlot(1, 0))),   // c
            prior(COVISIT, covisitSlot(8, 0)),                                               // b
            prior(COVISIT, covisitSlot(9, 1)),                                               // a
            noisyOr(prior(CATEGORY_1, fillSlot(1, 1)), prior(GLOBAL, fillSlot(1, 1))),       // d
            prior(CATEGORY_1, fillSlot(1, 2)),                                               // e
            prior(GLOBAL, fillSlot(1, 0)),                                                   // f
            prior(GLOBAL, fillSlot(1, 2)),                                                   // g
        }, r.scores(), EPS);
        CandidatePool pool = pool(SEEDS, Set.of(), new String[] {"cat1"}, 7);
        for (int i = 0; i < r.items().length; i++) {
            assertEquals(Pools.prior(pool.get(r.items()[i])), r.scores()[i], EPS, r.items()[i]);
        }
    }

    @Test
    void categoriesAreTriedInTheOrderGiven() {
        trending.put("cat1", Pools.list("cat1", "p"));
        trending.put("cat2", Pools.list("cat2", "q"));

        RankedList r = rank(new Seed[0], Set.of(), new String[] {"cat2", "cat1"}, 2);

        assertArrayEquals(new String[] {"q", "p"}, r.items());
        assertArrayEquals(new double[] {prior(CATEGORY_1, fillSlot(0, 0)), prior(CATEGORY_2, fillSlot(0, 0))},
                r.scores(), EPS);
        assertArrayEquals(new String[] {"popular in cat2", "popular in cat1"}, r.reasons());
    }

    @Test
    void newUserGetsGlobalTrending() {
        trending.put(TrendingList.GLOBAL, Pools.list("", "f", "d", "g"));

        RankedList r = rank(new Seed[0], Set.of(), new String[0], 2);

        assertArrayEquals(new String[] {"f", "d"}, r.items());
        assertArrayEquals(new double[] {prior(GLOBAL, fillSlot(0, 0)), prior(GLOBAL, fillSlot(0, 1))}, r.scores(), EPS);
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

    @Test
    void atMostMaxPerCategoryInTheFirstTenTheRestFollowInScoreOrder() {
        Pools p = new Pools();
        for (int i = 0; i < 14; i++) p.offer(GLOBAL, "x" + i); // scores never increase with the rank
        Map<String, String> categories = Map.of("x0", "A", "x1", "A", "x2", "A", "x3", "A", "x12", "A");

        RankedList r = CandidateRanker.rank(p.pool(), new SourceCalibration(false), CandidateRanker.Adjustment.NONE,
                categories::get, 2, 14);

        // x2, x3 wait for position 10; x12 is past the first 10, where the rule does not apply
        assertArrayEquals(new String[] {"x0", "x1", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x2", "x3",
                "x12", "x13"}, r.items());
        assertEquals(Pools.prior(p.get("x2")), r.scores()[10], EPS, "scores stay with items");
    }

    @Test
    void theCategoryOfACategoryFillCountsForTheDiversityRule() {
        trending.put("cat1", Pools.list("cat1", "p0", "p1", "p2", "p3"));
        trending.put(TrendingList.GLOBAL, Pools.list("", "g0", "g1", "g2"));

        CandidatePool pool = CandidateRanker.pool(new Seed[0], Set.<String>of()::contains, new String[] {"cat1"}, trending::get,
                new String[0], 50, 4);
        RankedList r = CandidateRanker.rank(pool, new SourceCalibration(false), CandidateRanker.Adjustment.NONE,
                i -> null, 2, 7);

        assertArrayEquals(new String[] {"p0", "p1", "g0", "g1", "g2", "p2", "p3"}, r.items());
    }

    @Test
    void theAdjustmentGetsTheCalibratedProbabilityAndDecidesTheOrder() {
        Map<String, Double> seen = new HashMap<>();
        CandidateRanker.Adjustment boostC = (c, p) -> {
            seen.put(c.item, p);
            return c.item.equals("c") ? 0.5 : p;
        };
        CandidatePool pool = pool(SEEDS, Set.of(), new String[0], 10);

        RankedList r = CandidateRanker.rank(pool, new SourceCalibration(false), boostC, i -> null, 10, 10);

        assertArrayEquals(new String[] {"c", "b", "a"}, r.items());
        assertArrayEquals(new double[] {0.5, prior(COVISIT, covisitSlot(8, 0)), prior(COVISIT, covisitSlot(9, 1))},
                r.scores(), EPS);
        assertEquals(3, seen.size());
        assertEquals(prior(COVISIT, covisitSlot(9, 1)), seen.get("a"), EPS);
        assertEquals(prior(COVISIT, covisitSlot(8, 0)), seen.get("b"), EPS);
        assertEquals(prior(COVISIT, covisitSlot(9, 1)), seen.get("c"), EPS);
        assertEquals("viewed together with y", r.reasons()[0], "the reason comes from the sources");
    }

    /**
     * Randomised property check (fixed seed): with the priors alone, every co-visitation candidate ranks above
     * every candidate that only the fill sources (the user's categories, global trending) proposed, however
     * strong its trending ranks and however weak and far down the neighbour list the co-visitation one is.
     */
    @Test
    void withThePriorsEveryCoVisitationCandidateRanksAboveEveryFill() {
        Random rnd = new Random(7);
        int mixed = 0;
        for (int round = 0; round < 300; round++) {
            trending.clear();
            Seed[] seeds = new Seed[rnd.nextInt(4)];
            for (int d = 0; d < seeds.length; d++) {
                int n = rnd.nextInt(30);
                String[] ids = new String[n];
                double[] w = new double[n];
                for (int i = 0; i < n; i++) {
                    ids[i] = "i" + rnd.nextInt(60);
                    w[i] = rnd.nextBoolean() ? 1e-6 * (1 + rnd.nextInt(100)) : rnd.nextInt(2000) / 10.0;
                }
                seeds[d] = new Seed("s" + d, ids, w);
            }
            // an item trends in its own category only: c0 holds i0..i19, c1 i20..i39, c2 i40..i59
            String[] cats = {"c0", "c1", "c2"};
            for (int c = 0; c < cats.length; c++) {
                if (rnd.nextBoolean()) trending.put(cats[c], Pools.list(cats[c], Pools.ids(rnd, 20 * c, 20, 1 + rnd.nextInt(20))));
            }
            trending.put(TrendingList.GLOBAL, Pools.list("", Pools.ids(rnd, 0, 60, 40)));
            CandidatePool pool = CandidateRanker.pool(seeds, Set.<String>of()::contains, cats, trending::get, new String[0], 50, 60);
            int all = pool.candidates().size();

            RankedList r = CandidateRanker.rank(pool, new SourceCalibration(false), CandidateRanker.Adjustment.NONE,
                    i -> null, all, all);

            assertEquals(all, r.items().length);
            boolean fillSeen = false;
            for (int i = 0; i < all; i++) {
                boolean covisit = pool.get(r.items()[i]).rank(COVISIT) >= 0;
                assertFalse(covisit && fillSeen, "round " + round + ": neighbour " + r.items()[i] + " below a fill");
                if (!covisit) {
                    fillSeen = true;
                } else if (i + 1 < all && pool.get(r.items()[i + 1]).rank(COVISIT) < 0) {
                    assertTrue(r.scores()[i] > r.scores()[i + 1], "round " + round + ": a strict margin");
                }
            }
            if (pool.size(COVISIT) > 0 && pool.size(COVISIT) < all) mixed++;
        }
        assertTrue(mixed > 100, "rounds with neighbours and fills: " + mixed);
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
                if (rnd.nextBoolean()) trending.put(c, Pools.list(c, randomIds(rnd, 8)));
            }
            trending.put(TrendingList.GLOBAL, Pools.list("", randomIds(rnd, 20)));
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
            for (int i = 0; i < r.scores().length; i++) {
                assertTrue(r.scores()[i] > 0 && r.scores()[i] <= 1, "a probability: " + context);
                if (i > 0) assertTrue(r.scores()[i] <= r.scores()[i - 1], "scores must not increase: " + context);
            }
        }
    }

    private CandidatePool pool(Seed[] seeds, Set<String> excluded, String[] categories, int k) {
        return CandidateRanker.pool(seeds, excluded::contains, categories, trending::get, new String[0], 50, k);
    }

    private RankedList rank(Seed[] seeds, Set<String> excluded, String[] categories, int k) {
        CandidatePool pool = pool(seeds, excluded, categories, k);
        return CandidateRanker.rank(pool, new SourceCalibration(false), CandidateRanker.Adjustment.NONE, i -> null, k, k);
    }



    private static String[] randomIds(Random rnd, int n) {
        Set<String> ids = new LinkedHashSet<>();
        while (ids.size() < n) ids.add("i" + rnd.nextInt(30));
        return ids.toArray(new String[0]);
    }

    @Test
    void theScoreOrderIsAStableSortHighestFirst() {
        Random r = new Random(5);
        double[] special = {Double.NaN, 0.0, -0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        for (int n : new int[] {0, 1, 2, 15, 16, 17, 31, 33, 64, 130, 300}) {
            double[] scores = new double[n];
            for (int i = 0; i < n; i++) {
                int pick = r.nextInt(10);
                scores[i] = pick < 2 ? special[r.nextInt(special.length)] : pick < 6 ? r.nextInt(5) : r.nextGaussian();
            }
            Integer[] expected = new Integer[n];
            for (int i = 0; i < n; i++) expected[i] = i;
            java.util.Arrays.sort(expected, (a, b) -> Double.compare(scores[b], scores[a])); // stable

            int[] order = CandidateRanker.byScoreDescending(scores);

            assertArrayEquals(java.util.Arrays.stream(expected).mapToInt(Integer::intValue).toArray(), order, "n = " + n);
        }
    }
}

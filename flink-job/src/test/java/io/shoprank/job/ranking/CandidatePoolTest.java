package io.shoprank.job.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.shoprank.job.trending.TrendingList;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class CandidatePoolTest {

    @Test
    void ranksCountFromZeroWithinEachSource() {
        CandidatePool pool = new Pools()
                .offer(CandidateSource.GLOBAL, "x", "y")
                .offer(CandidateSource.CATEGORY_1, "y", "z")
                .pool();

        assertEquals(0, pool.get("x").rank(CandidateSource.GLOBAL));
        assertEquals(1, pool.get("y").rank(CandidateSource.GLOBAL));
        assertEquals(0, pool.get("y").rank(CandidateSource.CATEGORY_1));
        assertEquals(1, pool.get("z").rank(CandidateSource.CATEGORY_1));
        assertEquals(-1, pool.get("x").rank(CandidateSource.CATEGORY_1), "not proposed by that source");
        assertEquals(-1, pool.get("z").rank(CandidateSource.COVISIT));
        assertEquals(2, pool.size(CandidateSource.GLOBAL));
        assertEquals(2, pool.size(CandidateSource.CATEGORY_1));
        assertEquals(0, pool.size(CandidateSource.COVISIT));
    }

    @Test
    void aSecondOfferBySameSourceKeepsTheFirstRankAndTakesNoRank() {
        CandidatePool pool = new Pools().offer(CandidateSource.GLOBAL, "x", "x", "y").pool();

        assertEquals(0, pool.get("x").rank(CandidateSource.GLOBAL));
        assertEquals(1, pool.get("y").rank(CandidateSource.GLOBAL));
        assertEquals(2, pool.size(CandidateSource.GLOBAL));
    }

    @Test
    void candidatesKeepTheirFirstInsertionOrderAndAreNotDuplicated() {
        CandidatePool pool = new CandidatePool();
        CandidatePool.Candidate z = pool.add("z");
        pool.add("a");
        pool.add("m");

        assertSame(z, pool.add("z"));
        assertEquals(List.of("z", "a", "m"), items(pool.candidates()));
        assertNull(pool.get("unknown"));
    }

    @Test
    void insertionOrderIsTheTieOrder() {
        // after the best neighbour, equal co-visitation scores in one rank group: equal probabilities
        // (ranks 1 and 2: one rank group)
        RankedList za = rank(new Pools().covisit("best", 9).covisit("z", 1).covisit("a", 1).pool());
        RankedList az = rank(new Pools().covisit("best", 9).covisit("a", 1).covisit("z", 1).pool());

        assertArrayEquals(new String[] {"best", "z", "a"}, za.items());
        assertArrayEquals(new String[] {"best", "a", "z"}, az.items());
        assertEquals(za.scores()[1], za.scores()[2], 0.0);
        assertEquals(za.scores()[1], az.scores()[1], 0.0);
        // equal fill probabilities too: global ranks 4 and 5 share a bucket
        RankedList fills = rank(new Pools().offer(CandidateSource.GLOBAL, "g0", "g1", "g2", "g3", "y", "x").pool());
        assertArrayEquals(new String[] {"g0", "g1", "g2", "g3", "y", "x"}, fills.items());
        assertEquals(fills.scores()[4], fills.scores()[5], 0.0);
    }

    @Test
    void theContextIsSettledFromTheCoVisitationCandidatesBeforeTheFills() {
        assertEquals(0, context(0), "no neighbours");
        assertEquals(1, context(1));
        assertEquals(1, context(9));
        assertEquals(2, context(10));
        assertEquals(2, context(50));

        // settling sets it on every candidate held, and on every one added later
        CandidatePool pool = new CandidatePool();
        CandidatePool.Candidate early = pool.add("early");
        pool.offer(CandidateSource.COVISIT, early);
        assertEquals(0, early.context, "not settled yet");
        pool.settleContext();
        CandidatePool.Candidate late = pool.add("late");
        pool.offer(CandidateSource.GLOBAL, late);
        assertEquals(1, early.context);
        assertEquals(1, late.context);
    }

    /** The context of a fill candidate in a pool with {@code neighbours} co-visitation candidates. */
    private static int context(int neighbours) {
        Seed[] seeds = new Seed[0];
        if (neighbours > 0) {
            String[] ids = new String[neighbours];
            double[] w = new double[neighbours];
            for (int i = 0; i < neighbours; i++) {
                ids[i] = "n" + i;
                w[i] = neighbours - i;
            }
            seeds = new Seed[] {new Seed("s", ids, w)};
        }
        Map<String, TrendingList> trending = Map.of(TrendingList.GLOBAL,
                new TrendingList("", new String[] {"g"}, new double[] {1}, 1, 0));
        CandidatePool pool = CandidateRanker.pool(seeds, Set.<String>of()::contains, new String[0], trending::get, new String[0], 50, 3);
        assertEquals(neighbours, pool.size(CandidateSource.COVISIT));
        for (CandidatePool.Candidate c : pool.candidates()) {
            assertEquals(pool.get("g").context, c.context, "one context for the whole pool");
        }
        return pool.get("g").context;
    }

    @Test
    void theRankerRanksCoVisitationByScoreAndFillsByPositionSkippingExcluded() {
        Seed[] seeds = {new Seed("x", new String[] {"weak", "strong"}, new double[] {1, 5})};
        Map<String, TrendingList> trending = Map.of(
                "cat1", new TrendingList("cat1", new String[] {"gone", "p", "strong", "q"}, new double[] {4, 3, 2, 1}, 1, 0),
                TrendingList.GLOBAL, new TrendingList("", new String[] {"g", "p", "h", "i"}, new double[] {4, 3, 2, 1}, 1, 0));

        CandidatePool pool = CandidateRanker.pool(seeds, Set.<String>of("gone")::contains, new String[] {"cat1"}, trending::get,
                new String[] {"e1", "gone", "weak"}, 50, 3);

        assertEquals(0, pool.get("strong").rank(CandidateSource.COVISIT), "the higher summed score first");
        assertEquals(1, pool.get("weak").rank(CandidateSource.COVISIT));
        assertEquals(5.0, pool.get("strong").covisit(), 0.0);
        assertEquals(0, pool.get("e1").rank(CandidateSource.EMBEDDING));
        assertEquals(1, pool.get("weak").rank(CandidateSource.EMBEDDING), "an excluded item takes no rank");
        assertNull(pool.get("gone"));
        assertEquals(0, pool.get("p").rank(CandidateSource.CATEGORY_1));
        assertEquals(1, pool.get("strong").rank(CandidateSource.CATEGORY_1));
        assertEquals(2, pool.get("q").rank(CandidateSource.CATEGORY_1));
        assertEquals("cat1", pool.get("p").category());
        assertEquals(0, pool.get("g").rank(CandidateSource.GLOBAL));
        assertEquals(1, pool.get("p").rank(CandidateSource.GLOBAL));
        assertEquals(2, pool.get("h").rank(CandidateSource.GLOBAL));
        assertNull(pool.get("i"), "the fill limit (3) is per source");
        assertNull(pool.get("g").category(), "global trending carries no category");
        assertEquals(List.of("strong", "weak", "e1", "p", "q", "g", "h"), items(pool.candidates()));
        assertEquals(1, pool.get("g").context, "two neighbours: a few");
    }

    private static RankedList rank(CandidatePool pool) {
        return CandidateRanker.rank(pool, new SourceCalibration(false), CandidateRanker.Adjustment.NONE, i -> null, 10, 10);
    }

    private static List<String> items(List<CandidatePool.Candidate> candidates) {
        return candidates.stream().map(c -> c.item).collect(Collectors.toList());
    }
}

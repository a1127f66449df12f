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
        // equal co-visitation scores: equal probabilities
        RankedList zam = rank(new Pools().covisit("z", 1).covisit("a", 1).covisit("m", 1).pool());
        RankedList maz = rank(new Pools().covisit("m", 1).covisit("a", 1).covisit("z", 1).pool());

        assertArrayEquals(new String[] {"z", "a", "m"}, zam.items());
        assertArrayEquals(new String[] {"m", "a", "z"}, maz.items());
        assertEquals(zam.scores()[0], zam.scores()[2], 0.0);
    }

    @Test
    void theRankerRanksCoVisitationByScoreAndFillsByPositionSkippingExcluded() {
        Seed[] seeds = {new Seed("x", new String[] {"weak", "strong"}, new double[] {1, 5})};
        Map<String, TrendingList> trending = Map.of(
                "cat1", new TrendingList("cat1", new String[] {"gone", "p", "strong", "q"}, new double[] {4, 3, 2, 1}, 1, 0),
                TrendingList.GLOBAL, new TrendingList("", new String[] {"g", "p", "h", "i"}, new double[] {4, 3, 2, 1}, 1, 0));

        CandidatePool pool = CandidateRanker.pool(seeds, Set.of("gone"), new String[] {"cat1"}, trending::get,
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
    }

    private static RankedList rank(CandidatePool pool) {
        return CandidateRanker.rank(pool, new SourceCalibration(true), CandidateRanker.Adjustment.NONE, i -> null, 10, 10);
    }

    private static List<String> items(List<CandidatePool.Candidate> candidates) {
        return candidates.stream().map(c -> c.item).collect(Collectors.toList());
    }
}

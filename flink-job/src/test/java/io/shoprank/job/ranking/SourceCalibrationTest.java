package io.shoprank.job.ranking;

import static io.shoprank.job.ranking.CandidateSource.CATEGORY_1;
import static io.shoprank.job.ranking.CandidateSource.CATEGORY_2;
import static io.shoprank.job.ranking.CandidateSource.CATEGORY_3;
import static io.shoprank.job.ranking.CandidateSource.COVISIT;
import static io.shoprank.job.ranking.CandidateSource.EMBEDDING;
import static io.shoprank.job.ranking.CandidateSource.GLOBAL;
import static io.shoprank.job.ranking.Pools.covisitSlot;
import static io.shoprank.job.ranking.Pools.fillSlot;
import static io.shoprank.job.ranking.Pools.noisyOr;
import static io.shoprank.job.ranking.Pools.prior;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SourceCalibrationTest {

    private static final double EPS = 1e-15;
    private static final double KEEP = Math.pow(0.5, 1 / SourceCalibration.HALF_LIFE_TARGETS);
    private static final double N0 = SourceCalibration.PRIOR_OFFERS;
    private static final int BUCKETS = SourceCalibration.BUCKETS;
    private static final int GROUPS = SourceCalibration.RANK_GROUPS;

    @Test
    void rankBucketsFollowTheirBoundsAndClamp() {
        // ranks 0, 1, 2, 3, 4-5, 6-9, 10-14, 15-19, 20-29, 30-49, 50+
        int[][] rankToBucket = {{0, 0}, {1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 4}, {6, 5}, {9, 5}, {10, 6}, {14, 6},
            {15, 7}, {19, 7}, {20, 8}, {29, 8}, {30, 9}, {49, 9}, {50, 10}, {1_000_000, 10}};
        for (int[] rb : rankToBucket) {
            assertEquals(rb[1], SourceCalibration.bucket(rb[0]), "rank " + rb[0]);
        }
        assertEquals(11, BUCKETS);
        assertEquals(BUCKETS - 1, SourceCalibration.bucket(Integer.MAX_VALUE), "the last bucket catches the rest");
    }

    @Test
    void theSlotLayoutCoversEverySourceOnce() {
        assertEquals(BUCKETS * GROUPS, SourceCalibration.slots(COVISIT));
        assertEquals(BUCKETS * SourceCalibration.CONTEXTS, SourceCalibration.slots(GLOBAL));
        int cells = 0;
        for (CandidateSource s : CandidateSource.values()) cells += SourceCalibration.slots(s);
        assertEquals(cells, SourceCalibration.CELLS);
        assertEquals(SourceCalibration.CELLS, new SourceCalibration(false).offers().length);
    }

    @Test
    void coVisitationStrengthIsALog2BucketOfTheSummedScoreStrongestFirst() {
        // strength = 10 - floor(log2(1 + score)), at least 0; the user's best neighbour is in rank group 0
        double[][] scoreToStrength = {{1e-9, 10}, {0.5, 10}, {0.999, 10}, {1, 9}, {2.999, 9}, {3, 8}, {6.99, 8},
            {7, 7}, {15, 6}, {1022.9, 1}, {1023, 0}, {1e12, 0}};
        for (double[] ss : scoreToStrength) {
            CandidatePool.Candidate c = new Pools().covisit("x", ss[0]).get("x");
            assertEquals(covisitSlot((int) ss[1], 0), SourceCalibration.slot(c, COVISIT), "co-visitation score " + ss[0]);
        }
    }

    @Test
    void coVisitationRankGroupsFollowTheirBounds() {
        // ranks 0, 1-2, 3-5, 6-10, 11-20, 21+; all of strength 9 (score 2)
        Pools p = new Pools();
        for (int i = 0; i < 60; i++) p.covisit("n" + i, 2);
        int[][] rankToGroup = {{0, 0}, {1, 1}, {2, 1}, {3, 2}, {5, 2}, {6, 3}, {10, 3}, {11, 4}, {20, 4}, {21, 5},
            {59, 5}};
        for (int[] rg : rankToGroup) {
            CandidatePool.Candidate c = p.get("n" + rg[0]);
            assertEquals(rg[0], c.rank(COVISIT));
            assertEquals(covisitSlot(9, rg[1]), SourceCalibration.slot(c, COVISIT), "co-visitation rank " + rg[0]);
        }
    }

    @Test
    void otherSourcesUseTheRankBucketInTheUsersContext() {
        Pools none = new Pools().offer(GLOBAL, "g0", "g1", "g2", "g3", "g4", "g5", "g6");
        assertEquals(0, SourceCalibration.slot(none.get("g0"), GLOBAL));
        assertEquals(3, SourceCalibration.slot(none.get("g3"), GLOBAL));
        assertEquals(4, SourceCalibration.slot(none.get("g5"), GLOBAL));
        assertEquals(5, SourceCalibration.slot(none.get("g6"), GLOBAL));

        // a few neighbours: context 1; ten or more: context 2 (for the neighbours' own other sources too)
        Pools few = new Pools().covisit("n", 1).offer(CATEGORY_1, "c0", "n");
        assertEquals(BUCKETS, SourceCalibration.slot(few.get("c0"), CATEGORY_1));
        assertEquals(BUCKETS + 1, SourceCalibration.slot(few.get("n"), CATEGORY_1));
        Pools many = new Pools();
        for (int i = 0; i < 10; i++) many.covisit("n" + i, 1);
        many.offer(EMBEDDING, "e0");
        assertEquals(2 * BUCKETS, SourceCalibration.slot(many.get("e0"), EMBEDDING));
        assertEquals(fillSlot(2, 0), SourceCalibration.slot(many.get("e0"), EMBEDDING));
    }

    @Test
    void aFreshCalibrationGivesThePriors() {
        for (boolean learn : new boolean[] {true, false}) {
            SourceCalibration cal = new SourceCalibration(learn);
            Pools p = new Pools().covisit("strong", 3).offer(GLOBAL, "g0", "g1");

            assertEquals(prior(COVISIT, covisitSlot(8, 0)), cal.probability(p.get("strong")), EPS);
            assertEquals(prior(GLOBAL, fillSlot(1, 0)), cal.probability(p.get("g0")), EPS);
            assertEquals(prior(GLOBAL, fillSlot(1, 1)), cal.probability(p.get("g1")), EPS);
            assertEquals(0, cal.targets());
        }
    }

    @Test
    void priorsAreTheHandMadeOrder() {
        // co-visitation: 0.05 / (1 + strength + rank group)
        for (int s = 0; s < BUCKETS; s++) {
            for (int g = 0; g < GROUPS; g++) {
                assertEquals(0.05 / (1 + s + g), prior(COVISIT, covisitSlot(s, g)), 1e-18);
            }
        }
        // the others: a base per source over (1 + rank bucket), in every context alike
        double[] base = {0.002, 0.0015, 0.001, 0.0008, 0.0005};
        CandidateSource[] others = {CATEGORY_1, CATEGORY_2, CATEGORY_3, EMBEDDING, GLOBAL};
        for (int i = 0; i < others.length; i++) {
            for (int context = 0; context < SourceCalibration.CONTEXTS; context++) {
                for (int b = 0; b < BUCKETS; b++) {
                    assertEquals(base[i] / (1 + b), prior(others[i], context * BUCKETS + b), 1e-18);
                }
            }
        }
    }

    @Test
    void everyCoVisitationSlotIsAboveEveryOtherSlot() {
        double weakestCovisit = 1;
        for (int slot = 0; slot < SourceCalibration.slots(COVISIT); slot++) {
            weakestCovisit = Math.min(weakestCovisit, prior(COVISIT, slot));
        }
        double bestOther = 0;
        for (CandidateSource s : CandidateSource.values()) {
            if (s == COVISIT) continue;
            for (int slot = 0; slot < SourceCalibration.slots(s); slot++) bestOther = Math.max(bestOther, prior(s, slot));
        }
        assertEquals(prior(COVISIT, covisitSlot(BUCKETS - 1, GROUPS - 1)), weakestCovisit, 0.0);
        assertEquals(prior(CATEGORY_1, 0), bestOther, 0.0);
        assertTrue(weakestCovisit > bestOther, weakestCovisit + " vs " + bestOther);
        // and what the fill sources of one item (a category and global trending) give together stays below too
        assertTrue(weakestCovisit > noisyOr(prior(CATEGORY_1, 0), prior(GLOBAL, 0)));
    }

    @Test
    void priorsFallWithStrengthRankAndBucketAndKeepTheSourceOrderAtEqualBuckets() {
        for (int s = 0; s < BUCKETS; s++) {
            for (int g = 0; g < GROUPS; g++) {
                if (s > 0) assertTrue(prior(COVISIT, covisitSlot(s, g)) < prior(COVISIT, covisitSlot(s - 1, g)));
                if (g > 0) assertTrue(prior(COVISIT, covisitSlot(s, g)) < prior(COVISIT, covisitSlot(s, g - 1)));
            }
        }
        CandidateSource[] others = {CATEGORY_1, CATEGORY_2, CATEGORY_3, EMBEDDING, GLOBAL};
        for (int context = 0; context < SourceCalibration.CONTEXTS; context++) {
            for (int b = 0; b < BUCKETS; b++) {
                for (int i = 0; i < others.length; i++) {
                    double p = prior(others[i], context * BUCKETS + b);
                    if (b > 0) assertTrue(p < prior(others[i], context * BUCKETS + b - 1), others[i] + " bucket " + b);
                    if (i > 0) assertTrue(p < prior(others[i - 1], context * BUCKETS + b), others[i] + " bucket " + b);
                }
            }
        }
    }

    @Test
    void theNoisyOrOfTwoSourcesExceedsEachAlone() {
        SourceCalibration cal = new SourceCalibration(false);
        CandidatePool.Candidate c = new Pools().covisit("x", 3).offer(CATEGORY_1, "x").offer(GLOBAL, "g", "x").get("x");
        CandidatePool.Candidate two = new Pools().covisit("x", 3).offer(CATEGORY_1, "x").get("x");

        double both = cal.probability(two);
        assertEquals(noisyOr(prior(COVISIT, covisitSlot(8, 0)), prior(CATEGORY_1, fillSlot(1, 0))), both, EPS);
        assertTrue(both > cal.probability(two, COVISIT));
        assertTrue(both > cal.probability(two, CATEGORY_1));
        double three = cal.probability(c);
        assertEquals(noisyOr(prior(COVISIT, covisitSlot(8, 0)), prior(CATEGORY_1, fillSlot(1, 0)),
                prior(GLOBAL, fillSlot(1, 1))), three, EPS);
        assertTrue(three > both);
        assertTrue(three < 1);
    }

    @Test
    void aTargetRaisesTheSlotThatHitAndLowersTheOffersThatMissed() {
        SourceCalibration cal = new SourceCalibration(true);
        Pools p = new Pools().covisit("a", 5).offer(GLOBAL, "g0", "g1");
        double a0 = prior(p.get("a"));
        double g00 = prior(p.get("g0"));
        double g10 = prior(p.get("g1"));

        cal.observe(p.pool(), "g1");

        assertEquals(1, cal.targets());
        double hit = cal.probability(p.get("g1"));
        assertEquals((N0 * g10 * KEEP + 1) / (N0 * KEEP + 1), hit, EPS);
        assertTrue(hit > g10);
        double missed = cal.probability(p.get("g0"));
        assertEquals(N0 * g00 * KEEP / (N0 * KEEP + 1), missed, EPS);
        assertTrue(missed < g00);
        assertTrue(cal.probability(p.get("a")) < a0);
        // a slot nothing was offered in: decayed alike, still at its prior
        CandidatePool.Candidate other = new Pools().offer(CATEGORY_1, "c").get("c");
        assertEquals(prior(other), cal.probability(other), EPS);
        // the same slot of another context is another cell: untouched
        CandidatePool.Candidate elsewhere = new Pools().offer(GLOBAL, "x", "y").get("y");
        assertEquals(g10, prior(elsewhere), 0.0, "the same prior");
        assertEquals(g10, cal.probability(elsewhere), EPS, "but not the slot that hit");
    }

    @Test
    void aTargetOutsideThePoolIsAMissForEveryOffer() {
        SourceCalibration cal = new SourceCalibration(true);
        // a and b both strength 8; b ranks 1: another rank group, c (rank 2) shares b's slot
        Pools p = new Pools().covisit("a", 5).covisit("b", 5).covisit("c", 5).offer(GLOBAL, "a");

        cal.observe(p.pool(), "elsewhere");

        assertEquals(SourceCalibration.slot(p.get("b"), COVISIT), SourceCalibration.slot(p.get("c"), COVISIT));
        assertEquals(N0 * prior(p.get("a"), COVISIT) * KEEP / (N0 * KEEP + 1), cal.probability(p.get("a"), COVISIT), EPS);
        assertEquals(N0 * prior(p.get("b")) * KEEP / (N0 * KEEP + 2), cal.probability(p.get("b")), EPS, "two offers");
        assertEquals(N0 * prior(p.get("a"), GLOBAL) * KEEP / (N0 * KEEP + 1), cal.probability(p.get("a"), GLOBAL), EPS);
        assertEquals(1, cal.targets());
    }

    @Test
    void aHitCountsForEverySourceThatProposedTheTarget() {
        SourceCalibration cal = new SourceCalibration(true);
        Pools p = new Pools().covisit("x", 3).offer(CATEGORY_1, "x");
        CandidatePool.Candidate x = p.get("x");

        cal.observe(p.pool(), "x");

        assertEquals((N0 * prior(x, COVISIT) * KEEP + 1) / (N0 * KEEP + 1), cal.probability(x, COVISIT), EPS);
        assertEquals((N0 * prior(x, CATEGORY_1) * KEEP + 1) / (N0 * KEEP + 1), cal.probability(x, CATEGORY_1), EPS);
    }

    @Test
    void withoutLearnSourcesTargetsAreCountedButThePriorsStay() {
        SourceCalibration cal = new SourceCalibration(false);
        SourceCalibration fresh = new SourceCalibration(false);
        Pools p = new Pools().covisit("a", 5).covisit("b", 1).offer(CATEGORY_1, "c").offer(GLOBAL, "g0", "a");

        for (int i = 0; i < 100; i++) {
            cal.observe(p.pool(), i % 2 == 0 ? "g0" : "elsewhere");
        }

        assertEquals(100, cal.targets());
        assertArrayEquals(fresh.offers(), cal.offers(), 0.0);
        assertArrayEquals(fresh.hits(), cal.hits(), 0.0);
        assertArrayEquals(p.priors("a", "b", "c", "g0"), p.probabilities(cal, "a", "b", "c", "g0"), 0.0);

        // the same targets with learnSources move the probabilities
        SourceCalibration learning = new SourceCalibration(true);
        for (int i = 0; i < 100; i++) {
            learning.observe(p.pool(), i % 2 == 0 ? "g0" : "elsewhere");
        }
        assertTrue(learning.probability(p.get("g0")) > 10 * prior(p.get("g0")));
        assertTrue(learning.probability(p.get("b")) < prior(p.get("b")));
    }

    @Test
    void countsHalveEveryHalfLifeOfTargets() {
        SourceCalibration cal = new SourceCalibration(true);
        Pools p = new Pools().offer(GLOBAL, "g0");
        double g0 = prior(p.get("g0"));
        cal.observe(p.pool(), "g0");
        int cell = cell(GLOBAL, SourceCalibration.slot(p.get("g0"), GLOBAL));
        double hitsBefore = cal.hits()[cell];
        assertEquals(N0 * g0 * KEEP + 1, hitsBefore, 1e-12, "the cell of the hit");

        CandidatePool empty = new CandidatePool();
        for (int i = 0; i < SourceCalibration.HALF_LIFE_TARGETS; i++) cal.observe(empty, "t" + i);

        assertEquals(1 + (long) SourceCalibration.HALF_LIFE_TARGETS, cal.targets());
        assertEquals(hitsBefore / 2, cal.hits()[cell], 1e-9);
        // a prior-only cell: its pseudo-counts have halved as well (one decay more: the first target)
        assertEquals(N0 * KEEP / 2, cal.offers()[0], 1e-9);
        // what the old hit added beyond the prior rate counts half now
        double oldExcess = cal.hits()[cell] - cal.offers()[cell] * g0;
        assertEquals(0.5 * (1 - g0), oldExcess, 1e-9);
    }

    @Test
    void cellsWithoutOffersStopDecayingAtTheFloorAndKeepTheirRatio() {
        SourceCalibration fresh = new SourceCalibration(true);
        Pools p = new Pools().offer(GLOBAL, "g0", "g1", "g2");
        int atFloor = cell(GLOBAL, SourceCalibration.slot(p.get("g0"), GLOBAL));
        int above = cell(GLOBAL, SourceCalibration.slot(p.get("g1"), GLOBAL));
        double[] offers = fresh.offers();
        double[] hits = fresh.hits();
        offers[atFloor] = 1e-3;
        hits[atFloor] = 0.4e-3;
        offers[above] = 2e-3;
        hits[above] = 0.5e-3;
        SourceCalibration cal = SourceCalibration.of(offers, hits, 7, true);

        CandidatePool empty = new CandidatePool();
        for (int i = 0; i < 10; i++) cal.observe(empty, "t" + i);

        assertEquals(1e-3, cal.offers()[atFloor], 0.0, "at the floor: no more decay");
        assertEquals(0.4e-3, cal.hits()[atFloor], 0.0);
        assertEquals(0.4, cal.probability(p.get("g0")), 1e-12, "the ratio stays");
        assertEquals(2e-3 * Math.pow(KEEP, 10), cal.offers()[above], 1e-15, "above the floor: decays");
        assertEquals(0.5e-3 * Math.pow(KEEP, 10), cal.hits()[above], 1e-15);
        assertEquals(0.25, cal.probability(p.get("g1")), 1e-12);
        assertEquals(17, cal.targets());

        // an offer lifts the cell above the floor: it decays again from the next target on
        cal.observe(new Pools().offer(GLOBAL, "x").pool(), "none");
        assertEquals(1e-3 + 1, cal.offers()[atFloor], 0.0, "the offer of this target, after a skipped decay");
        cal.observe(empty, "t");
        assertEquals((1e-3 + 1) * KEEP, cal.offers()[atFloor], 1e-15);
    }

    @Test
    void aCellDecaysDownToTheFloorAndNoFurther() {
        double[] offers = new SourceCalibration(true).offers();
        double[] hits = new SourceCalibration(true).hits();
        int c = cell(GLOBAL, 0);
        offers[c] = 1e-3 / Math.pow(KEEP, 2.5); // reaches the floor in three decays
        hits[c] = offers[c] / 2;
        SourceCalibration cal = SourceCalibration.of(offers, hits, 0, true);

        for (int i = 0; i < 50; i++) cal.observe(new CandidatePool(), "t");

        double floored = offers[c] * Math.pow(KEEP, 3);
        assertTrue(floored <= 1e-3 && floored > 1e-3 * KEEP);
        assertEquals(floored, cal.offers()[c], 1e-18);
        assertEquals(0.5, cal.hits()[c] / cal.offers()[c], 1e-12);
    }

    @Test
    void countsRoundTripThroughOf() {
        SourceCalibration cal = new SourceCalibration(true);
        Pools p = new Pools().covisit("a", 5).offer(GLOBAL, "g0", "a").offer(EMBEDDING, "e");
        cal.observe(p.pool(), "a");
        cal.observe(p.pool(), "e");
        cal.observe(p.pool(), "none");

        double[] offers = cal.offers();
        double[] hits = cal.hits();
        assertEquals(SourceCalibration.CELLS, offers.length);
        SourceCalibration back = SourceCalibration.of(offers, hits, cal.targets(), true);

        assertArrayEquals(offers, back.offers(), 0.0);
        assertArrayEquals(hits, back.hits(), 0.0);
        assertEquals(3, back.targets());
        assertArrayEquals(p.probabilities(cal, "a", "g0", "e"), p.probabilities(back, "a", "g0", "e"), 0.0);
        assertTrue(back.probability(p.get("a")) > prior(p.get("a")), "learned, not fresh");

        // both learn on alike
        cal.observe(p.pool(), "g0");
        back.observe(p.pool(), "g0");
        assertArrayEquals(cal.offers(), back.offers(), 0.0);
        assertArrayEquals(cal.hits(), back.hits(), 0.0);

        // restored without learnSources: the learned counts are kept, but no longer move
        SourceCalibration fixed = SourceCalibration.of(cal.offers(), cal.hits(), cal.targets(), false);
        fixed.observe(p.pool(), "a");
        assertArrayEquals(cal.offers(), fixed.offers(), 0.0);
        assertArrayEquals(p.probabilities(cal, "a", "g0", "e"), p.probabilities(fixed, "a", "g0", "e"), 0.0);
        assertEquals(cal.targets() + 1, fixed.targets());

        // copies both ways
        assertNotSame(offers, cal.offers());
        offers[0] = 1e9;
        assertNotEquals(1e9, back.offers()[0]);
        assertEquals(N0 * Math.pow(KEEP, 4), back.offers()[0], 1e-12);
        assertEquals(N0 * Math.pow(KEEP, 4), cal.offers()[0], 1e-12);
    }

    @Test
    void countsOfAnotherLayoutStartAfresh() {
        SourceCalibration fresh = new SourceCalibration(true);
        double[][] bad = {new double[66], new double[SourceCalibration.CELLS - 1], new double[SourceCalibration.CELLS + 1]};
        for (double[] b : bad) {
            SourceCalibration c = SourceCalibration.of(b, b.clone(), 12, true);

            assertEquals(0, c.targets(), "length " + b.length);
            assertArrayEquals(fresh.offers(), c.offers(), 0.0);
            assertArrayEquals(fresh.hits(), c.hits(), 0.0);
        }
        SourceCalibration none = SourceCalibration.of(null, null, 12, true);
        assertEquals(0, none.targets());
        assertArrayEquals(fresh.offers(), none.offers(), 0.0);
        SourceCalibration half = SourceCalibration.of(fresh.offers(), null, 12, true);
        assertEquals(0, half.targets());
    }

    @Test
    void theCheckpointLayoutIsCoVisitationThenEachOtherSourceBySlot() {
        // one offer in each of three cells, no hit: exactly those cells gain an offer (beyond the decay)
        SourceCalibration cal = new SourceCalibration(true);
        Pools p = new Pools().covisit("a", 100).covisit("b", 0.5).offer(CATEGORY_3, "c", "d", "e", "f");
        cal.observe(p.pool(), "none");

        double[] fresh = new SourceCalibration(true).offers();
        double[] offers = cal.offers();
        int[] expected = {cell(COVISIT, covisitSlot(4, 0)), cell(COVISIT, covisitSlot(10, 1)),
            cell(CATEGORY_3, fillSlot(1, 0)), cell(CATEGORY_3, fillSlot(1, 1)), cell(CATEGORY_3, fillSlot(1, 2)),
            cell(CATEGORY_3, fillSlot(1, 3))};
        for (int i = 0; i < offers.length; i++) {
            boolean offered = false;
            for (int e : expected) offered |= e == i;
            assertEquals(fresh[i] * KEEP + (offered ? 1 : 0), offers[i], 1e-12, "cell " + i);
        }
    }

    @Test
    void modelBucketsHalveTheProbabilityPerBucket() {
        assertEquals(0, SourceCalibration.modelBucket(1.0));
        assertEquals(0, SourceCalibration.modelBucket(0.5));
        assertEquals(1, SourceCalibration.modelBucket(Math.nextDown(0.5)));
        assertEquals(1, SourceCalibration.modelBucket(0.25));
        assertEquals(2, SourceCalibration.modelBucket(Math.nextDown(0.25)));
        for (int b = 0; b < SourceCalibration.MODEL_BUCKETS - 1; b++) {
            double lower = Math.pow(2, -(b + 1));
            assertEquals(b, SourceCalibration.modelBucket(lower), "lower bound of bucket " + b);
            assertEquals(b + 1, SourceCalibration.modelBucket(Math.nextDown(lower)), "just below bucket " + b);
        }
        assertEquals(11, SourceCalibration.modelBucket(Math.pow(2, -12)), "the last bucket catches the rest");
        assertEquals(11, SourceCalibration.modelBucket(1e-30));
        assertEquals(11, SourceCalibration.modelBucket(0));
        assertEquals(11, SourceCalibration.modelBucket(Double.NaN));
    }

    @Test
    void modelScoresAreRecordedAsBuckets() {
        CandidatePool.Candidate c = new Pools().offer(GLOBAL, "x").get("x");
        assertEquals(-1, c.conversionBucket, "not scored");
        assertEquals(-1, c.embeddingBucket);

        c.modelScores(0.6, 0.2);
        assertEquals(SourceCalibration.modelBucket(0.6), c.conversionBucket);
        assertEquals(SourceCalibration.modelBucket(0.2), c.embeddingBucket);
        c.modelScores(-1, 0);
        assertEquals(-1, c.conversionBucket);
        assertEquals(SourceCalibration.MODEL_BUCKETS - 1, c.embeddingBucket);
    }

    /** The index of a source's slot in {@link SourceCalibration#offers()} (the checkpoint layout). */
    static int cell(CandidateSource s, int slot) {
        return s == COVISIT ? slot
                : SourceCalibration.COVISIT_SLOTS + (s.ordinal() - 1) * SourceCalibration.OTHER_SLOTS + slot;
    }
}

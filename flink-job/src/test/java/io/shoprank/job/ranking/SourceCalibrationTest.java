package io.shoprank.job.ranking;

import static io.shoprank.job.ranking.CandidateSource.CATEGORY_1;
import static io.shoprank.job.ranking.CandidateSource.COVISIT;
import static io.shoprank.job.ranking.CandidateSource.GLOBAL;
import static io.shoprank.job.ranking.Pools.noisyOr;
import static io.shoprank.job.ranking.Pools.prior;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SourceCalibrationTest {

    private static final double EPS = 1e-15;
    private static final double KEEP = Math.pow(0.5, 1 / SourceCalibration.HALF_LIFE_TARGETS);
    private static final double N0 = SourceCalibration.PRIOR_OFFERS;

    @Test
    void rankBucketsFollowTheirBounds() {
        // ranks 0, 1, 2, 3, 4-5, 6-9, 10-14, 15-19, 20-29, 30-49, 50+
        int[][] rankToBucket = {{0, 0}, {1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 4}, {6, 5}, {9, 5}, {10, 6}, {14, 6},
            {15, 7}, {19, 7}, {20, 8}, {29, 8}, {30, 9}, {49, 9}, {50, 10}, {1_000_000, 10}};
        for (int[] rb : rankToBucket) {
            assertEquals(rb[1], SourceCalibration.bucket(rb[0]), "rank " + rb[0]);
        }
        assertEquals(11, SourceCalibration.BUCKETS);
    }

    @Test
    void coVisitationSlotsAreLog2BucketsOfTheSummedScoreStrongestFirst() {
        // slot = 10 - floor(log2(1 + score)), at least 0
        double[][] scoreToSlot = {{1e-9, 10}, {0.5, 10}, {0.999, 10}, {1, 9}, {2.999, 9}, {3, 8}, {6.99, 8}, {7, 7},
            {15, 6}, {1022.9, 1}, {1023, 0}, {1e12, 0}};
        for (double[] ss : scoreToSlot) {
            CandidatePool.Candidate c = new Pools().covisit("x", ss[0]).get("x");
            assertEquals((int) ss[1], SourceCalibration.slot(c, COVISIT), "co-visitation score " + ss[0]);
        }
    }

    @Test
    void otherSourcesUseTheRankBucket() {
        Pools p = new Pools().offer(GLOBAL, "g0", "g1", "g2", "g3", "g4", "g5", "g6");

        assertEquals(0, SourceCalibration.slot(p.get("g0"), GLOBAL));
        assertEquals(3, SourceCalibration.slot(p.get("g3"), GLOBAL));
        assertEquals(4, SourceCalibration.slot(p.get("g5"), GLOBAL));
        assertEquals(5, SourceCalibration.slot(p.get("g6"), GLOBAL));
    }

    @Test
    void aFreshCalibrationGivesThePriors() {
        SourceCalibration cal = new SourceCalibration(true);
        Pools p = new Pools().covisit("strong", 3).offer(GLOBAL, "g0", "g1");

        assertEquals(prior(COVISIT, 8), cal.probability(p.get("strong")), EPS);
        assertEquals(prior(GLOBAL, 0), cal.probability(p.get("g0")), EPS);
        assertEquals(prior(GLOBAL, 1), cal.probability(p.get("g1")), EPS);
    }

    @Test
    void priorsFallWithTheBucketAndKeepTheHandMadeOrderOfSourcesAtEqualBuckets() {
        for (CandidateSource s : CandidateSource.values()) {
            for (int b = 1; b < SourceCalibration.BUCKETS; b++) {
                assertTrue(prior(s, b) < prior(s, b - 1), s + " bucket " + b);
            }
        }
        for (int b = 0; b < SourceCalibration.BUCKETS; b++) {
            assertTrue(prior(COVISIT, b) > prior(CATEGORY_1, b));
            assertTrue(prior(CATEGORY_1, b) > prior(CandidateSource.CATEGORY_2, b));
            assertTrue(prior(CandidateSource.CATEGORY_2, b) > prior(CandidateSource.CATEGORY_3, b));
            assertTrue(prior(CandidateSource.CATEGORY_3, b) > prior(GLOBAL, b));
        }
    }

    @Test
    void theNoisyOrOfTwoSourcesExceedsEachAlone() {
        SourceCalibration cal = new SourceCalibration(true);
        CandidatePool.Candidate c = new Pools().covisit("x", 3).offer(CATEGORY_1, "x").offer(GLOBAL, "g", "x").get("x");
        CandidatePool.Candidate two = new Pools().covisit("x", 3).offer(CATEGORY_1, "x").get("x");

        double both = cal.probability(two);
        assertEquals(noisyOr(prior(COVISIT, 8), prior(CATEGORY_1, 0)), both, EPS);
        assertTrue(both > cal.probability(two, COVISIT));
        assertTrue(both > cal.probability(two, CATEGORY_1));
        double three = cal.probability(c);
        assertEquals(noisyOr(prior(COVISIT, 8), prior(CATEGORY_1, 0), prior(GLOBAL, 1)), three, EPS);
        assertTrue(three > both);
        assertTrue(three < 1);
    }

    @Test
    void aTargetRaisesTheSlotThatHitAndLowersTheOffersThatMissed() {
        SourceCalibration cal = new SourceCalibration(true);
        Pools p = new Pools().covisit("a", 5).offer(GLOBAL, "g0", "g1");

        cal.observe(p.pool(), "g1");

        assertEquals(1, cal.targets());
        double hit = cal.probability(p.get("g1"));
        assertEquals((N0 * prior(GLOBAL, 1) * KEEP + 1) / (N0 * KEEP + 1), hit, EPS);
        assertTrue(hit > prior(GLOBAL, 1));
        double missed = cal.probability(p.get("g0"));
        assertEquals(N0 * prior(GLOBAL, 0) * KEEP / (N0 * KEEP + 1), missed, EPS);
        assertTrue(missed < prior(GLOBAL, 0));
        assertTrue(cal.probability(p.get("a")) < prior(COVISIT, 8));
        // a slot nothing was offered in: decayed alike, still at its prior
        CandidatePool.Candidate other = new Pools().offer(CATEGORY_1, "c").get("c");
        assertEquals(prior(CATEGORY_1, 0), cal.probability(other), EPS);
    }

    @Test
    void aTargetOutsideThePoolIsAMissForEveryOffer() {
        SourceCalibration cal = new SourceCalibration(true);
        Pools p = new Pools().covisit("a", 5).covisit("b", 5).offer(GLOBAL, "a");

        cal.observe(p.pool(), "elsewhere");

        // a and b share co-visitation slot 8: two offers, no hit
        assertEquals(N0 * prior(COVISIT, 8) * KEEP / (N0 * KEEP + 2), cal.probability(p.get("b")), EPS);
        assertEquals(N0 * prior(GLOBAL, 0) * KEEP / (N0 * KEEP + 1), cal.probability(p.get("a"), GLOBAL), EPS);
        assertEquals(1, cal.targets());
    }

    @Test
    void aHitCountsForEverySourceThatProposedTheTarget() {
        SourceCalibration cal = new SourceCalibration(true);
        Pools p = new Pools().covisit("x", 3).offer(CATEGORY_1, "x");

        cal.observe(p.pool(), "x");

        assertEquals((N0 * prior(COVISIT, 8) * KEEP + 1) / (N0 * KEEP + 1), cal.probability(p.get("x"), COVISIT), EPS);
        assertEquals((N0 * prior(CATEGORY_1, 0) * KEEP + 1) / (N0 * KEEP + 1), cal.probability(p.get("x"), CATEGORY_1), EPS);
    }

    @Test
    void countsHalveEveryHalfLifeOfTargets() {
        SourceCalibration cal = new SourceCalibration(true);
        Pools p = new Pools().offer(GLOBAL, "g0");
        cal.observe(p.pool(), "g0");
        int cell = GLOBAL.ordinal() * SourceCalibration.BUCKETS; // GLOBAL, bucket 0
        double hitsBefore = cal.hits()[cell];

        CandidatePool empty = new CandidatePool();
        for (int i = 0; i < SourceCalibration.HALF_LIFE_TARGETS; i++) cal.observe(empty, "t" + i);

        assertEquals(1 + (long) SourceCalibration.HALF_LIFE_TARGETS, cal.targets());
        assertEquals(hitsBefore / 2, cal.hits()[cell], 1e-9);
        // a prior-only cell: its pseudo-counts have halved as well (one decay more: the first target)
        assertEquals(N0 * KEEP / 2, cal.offers()[0], 1e-9);
        // what the old hit added beyond the prior rate counts half now
        double oldExcess = cal.hits()[cell] - cal.offers()[cell] * prior(GLOBAL, 0);
        assertEquals(0.5 * (1 - prior(GLOBAL, 0)), oldExcess, 1e-9);
    }

    @Test
    void adjustedIsTheIdentityBeforeAnyModelEvidence() {
        SourceCalibration cal = new SourceCalibration(true);
        CandidatePool.Candidate c = new Pools().offer(GLOBAL, "x").get("x");
        double[] probabilities = {1e-6, 0.003, 0.2, 0.5, 0.97};
        double[] modelScores = {-1, 0.9, 0.3, 0.01, 1e-9};
        for (double conversion : modelScores) {
            for (double embedding : modelScores) {
                c.modelScores(conversion, embedding);
                for (double p : probabilities) {
                    assertEquals(p, cal.adjusted(c, p), 1e-12, "p " + p + " scores " + conversion + ", " + embedding);
                }
            }
        }
    }

    @Test
    void adjustedMovesTowardsTheModelBucketsThatHit() {
        SourceCalibration cal = new SourceCalibration(true);
        Pools p = new Pools().offer(GLOBAL, "h", "m1", "m2");
        p.get("h").modelScores(0.6, 0.2);    // conversion bucket 0, embedding bucket 2
        p.get("m1").modelScores(0.02, -1);   // conversion bucket 5, no embedding
        p.get("m2").modelScores(0.02, -1);

        cal.observe(p.pool(), "h");

        double allRate = (2 * KEEP + 1) / (200 * KEEP + 3);
        double hitRate = (2 * KEEP + 1) / (200 * KEEP + 1);
        double missRate = 2 * KEEP / (200 * KEEP + 2);
        double q = 0.01;
        CandidatePool.Candidate like = new Pools().offer(GLOBAL, "x").get("x");

        like.modelScores(0.7, 0.15);
        double up = cal.adjusted(like, q);
        assertEquals(odds(q) * (hitRate / allRate) * (hitRate / allRate), odds(up), 1e-12);
        assertTrue(up > q);

        like.modelScores(0.03, -1);
        double down = cal.adjusted(like, q);
        assertEquals(odds(q) * (missRate / allRate), odds(down), 1e-12);
        assertTrue(down < q);

        like.modelScores(-1, -1);
        assertEquals(q, cal.adjusted(like, q), 1e-15, "a candidate no model scored is not adjusted");
    }

    @Test
    void countsRoundTripThroughOf() {
        SourceCalibration cal = new SourceCalibration(true);
        Pools p = new Pools().covisit("a", 5).offer(GLOBAL, "g0", "a").offer(CandidateSource.EMBEDDING, "e");
        p.get("a").modelScores(0.6, 0.1);
        p.get("e").modelScores(0.01, 0.7);
        cal.observe(p.pool(), "a");
        cal.observe(p.pool(), "e");
        cal.observe(p.pool(), "none");

        double[] offers = cal.offers();
        double[] hits = cal.hits();
        assertEquals(CandidateSource.COUNT * SourceCalibration.BUCKETS
                + SourceCalibration.MODELS * SourceCalibration.MODEL_BUCKETS + 1, offers.length);
        SourceCalibration back = SourceCalibration.of(offers, hits, cal.targets());

        assertArrayEquals(offers, back.offers(), 0.0);
        assertArrayEquals(hits, back.hits(), 0.0);
        assertEquals(3, back.targets());
        for (String item : new String[] {"a", "g0", "e"}) {
            assertEquals(cal.probability(p.get(item)), back.probability(p.get(item)), 0.0);
            assertEquals(cal.adjusted(p.get(item), 0.02), back.adjusted(p.get(item), 0.02), 0.0);
        }
        assertTrue(back.probability(p.get("a")) > new SourceCalibration(true).probability(p.get("a")), "learned, not fresh");

        // copies both ways
        assertNotSame(offers, cal.offers());
        offers[0] = 1e9;
        assertEquals(N0 * Math.pow(KEEP, 3), back.offers()[0], 1e-12);
        assertEquals(N0 * Math.pow(KEEP, 3), cal.offers()[0], 1e-12);
    }

    @Test
    void countsOfAnotherLayoutStartAfresh() {
        SourceCalibration c = SourceCalibration.of(new double[66], new double[66], 12);

        assertEquals(0, c.targets());
        assertArrayEquals(new SourceCalibration(true).offers(), c.offers(), 0.0);
        assertArrayEquals(new SourceCalibration(true).hits(), c.hits(), 0.0);
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

    private static double odds(double p) {
        return p / (1 - p);
    }
}

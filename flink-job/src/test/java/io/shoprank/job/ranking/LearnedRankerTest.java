package io.shoprank.job.ranking;

import static io.shoprank.job.ranking.CandidateSource.CATEGORY_1;
import static io.shoprank.job.ranking.CandidateSource.GLOBAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.job.trending.TrendingList;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The learned hybrid ranker: an FTRL logistic model over one hashed one-hot feature per source slot that
 * proposed the candidate and per online-model score bucket, on top of the priors' noisy-OR log-odds as a fixed
 * margin.
 */
class LearnedRankerTest {

    private final SourceCalibration priors = new SourceCalibration(false);

    @Test
    void beforeAnyTargetTheScoreIsThePriorAndTheOrderThePriorsOrder() {
        Random rnd = new Random(11);
        LearnedRanker ranker = new LearnedRanker(priors);
        int compared = 0;
        for (int round = 0; round < 100; round++) {
            CandidatePool pool = randomPool(rnd);
            for (CandidatePool.Candidate c : pool.candidates()) {
                double p = priors.probability(c);
                assertEquals(p, ranker.score(c), p * 1e-9, c.item + ": the margin alone");
            }
            int all = pool.candidates().size();
            RankedList byPriors = CandidateRanker.rank(pool, priors, CandidateRanker.Adjustment.NONE, i -> null, all, all);
            RankedList byRanker = CandidateRanker.rank(pool, priors, (c, p) -> ranker.score(c), i -> null, all, all);
            assertArrayEquals(byPriors.items(), byRanker.items(), "round " + round);
            compared += all;
        }
        assertTrue(compared > 1000);
        assertEquals(0, nonZero(ranker.z()), "scoring learns nothing");
    }

    @Test
    void aScoreBuiltOnThePreRankingsSumIsTheFullScoreToTheBit() {
        Random rnd = new Random(17);
        LearnedRanker ranker = new LearnedRanker(priors);
        for (int round = 0; round < 30; round++) ranker.observe(randomPool(rnd), "g0"); // weights away from 0
        int compared = 0;
        for (int round = 0; round < 50; round++) {
            CandidatePool pool = randomPool(rnd);
            for (CandidatePool.Candidate c : pool.candidates()) {
                double before = ranker.scoreWithoutModels(c);
                assertEquals(Double.doubleToLongBits(ranker.score(copyOf(c))), Double.doubleToLongBits(before), c.item);
                c.modelScores(rnd.nextDouble(), rnd.nextBoolean() ? rnd.nextDouble() : -1);
                assertEquals(Double.doubleToLongBits(ranker.score(copyOf(c))), Double.doubleToLongBits(ranker.score(c)),
                        c.item + ": the sum plus the model scores' weights");
                compared++;
            }
        }
        assertTrue(compared > 500);
    }

    @Test
    void aKeptSumIsDroppedWhenAnotherSourceOffersTheCandidateOrTheRankerLearns() {
        Random rnd = new Random(19);
        LearnedRanker ranker = new LearnedRanker(priors);
        for (int round = 0; round < 30; round++) ranker.observe(randomPool(rnd), "g0");
        Pools p = new Pools().covisit("x", 3).covisit("y", 1);
        ranker.scoreWithoutModels(p.get("x"));
        ranker.scoreWithoutModels(p.get("y"));
        p.offer(CandidateSource.EMBEDDING, "x"); // another source after the pre-ranking
        p.get("x").modelScores(0.3, 0.7);
        assertEquals(Double.doubleToLongBits(ranker.score(copyOf(p.get("x")))), Double.doubleToLongBits(ranker.score(p.get("x"))),
                "scored with the embedding source's slot too");

        ranker.observe(randomPool(rnd), "g1"); // the weights move
        p.get("y").modelScores(0.3, 0.7);
        assertEquals(Double.doubleToLongBits(ranker.score(copyOf(p.get("y")))), Double.doubleToLongBits(ranker.score(p.get("y"))),
                "scored with the weights as they are now");
    }

    /** The candidate's sources and model scores, without a kept sum. */
    private static CandidatePool.Candidate copyOf(CandidatePool.Candidate c) {
        CandidatePool.Candidate copy = new CandidatePool.Candidate(c.item);
        System.arraycopy(c.rank, 0, copy.rank, 0, c.rank.length);
        copy.covisit = c.covisit;
        copy.via = c.via;
        copy.category = c.category;
        copy.context = c.context;
        copy.conversionBucket = c.conversionBucket;
        copy.embeddingBucket = c.embeddingBucket;
        return copy;
    }

    @Test
    void theMarginComputedWithTheFeaturesIsExactlyThePriorsLogOdds() {
        // score and observe take the margin from the same pass as the features: bit for bit the calibration's
        Random rnd = new Random(5);
        LearnedRanker ranker = new LearnedRanker(priors);
        int compared = 0;
        for (int round = 0; round < 50; round++) {
            for (CandidatePool.Candidate c : randomPool(rnd).candidates()) {
                assertEquals(Double.doubleToLongBits(ranker.margin(c)), Double.doubleToLongBits(ranker.encodedMargin(c)),
                        c.item);
                compared++;
            }
        }
        assertTrue(compared > 500);
    }

    @Test
    void oneFeaturePerSourceThatProposedTheCandidateAndPerModelThatScoredIt() {
        Pools p = new Pools().covisit("x", 3).offer(CATEGORY_1, "x", "c").offer(GLOBAL, "g", "x");
        LearnedRanker ranker = new LearnedRanker(priors);

        assertEquals(4, ranker.features(p.get("x")).length, "bias, co-visitation, category, global");
        assertEquals(2, ranker.features(p.get("c")).length, "bias, category");
        p.get("x").modelScores(0.6, 0.01);
        p.get("c").modelScores(-1, 0.3);
        int[] x = ranker.features(p.get("x"));
        assertEquals(6, x.length, "and both models' buckets");
        assertEquals(3, ranker.features(p.get("c")).length, "bias, category and the embedding bucket");
        assertEquals(6, Arrays.stream(x).distinct().count(), "no collisions among them");
        for (int i : x) assertTrue(i >= 0 && i < LearnedRanker.DIMENSION);

        // the same slot is the same feature, whatever the item; another slot another feature
        Pools q = new Pools().covisit("other", 3).offer(CATEGORY_1, "other", "d").offer(GLOBAL, "h", "other");
        q.get("other").modelScores(0.7, 0.015);
        assertArrayEquals(x, ranker.features(q.get("other")));
        assertArrayEquals(x, new LearnedRanker(priors).features(p.get("x")), "hashed: the same in every instance");
        q.get("other").modelScores(0.2, 0.015);
        assertNotEquals(x[4], ranker.features(q.get("other"))[4], "another conversion bucket");
        // a conversion bucket and an embedding bucket of the same number are different features
        CandidatePool.Candidate both = new Pools().offer(GLOBAL, "z").get("z");
        both.modelScores(0.6, 0.6);
        int[] f = ranker.features(both);
        assertNotEquals(f[2], f[3], "bias, global, then the conversion and embedding buckets");
    }

    @Test
    void aTrendingItemThatAlwaysHitsRisesAboveTheNeighboursThatNeverDo() {
        LearnedRanker ranker = new LearnedRanker(priors);
        Pools p = new Pools().covisit("n0", 40).covisit("n1", 8).covisit("n2", 4).covisit("n3", 2).covisit("n4", 1)
                .offer(GLOBAL, "g0", "g1", "g2", "g3");
        CandidatePool pool = p.pool();
        String[] neighbours = {"n0", "n1", "n2", "n3", "n4"};
        double best = 0;
        for (String n : neighbours) best = Math.max(best, ranker.score(p.get(n)));
        assertTrue(ranker.score(p.get("g0")) < best / 10, "at first far below the neighbours");

        int targets = 0;
        while (targets < 20_000 && !above(ranker, p, "g0", neighbours)) {
            ranker.observe(pool, "g0");
            targets++;
        }

        assertTrue(above(ranker, p, "g0", neighbours), "after " + targets + " targets");
        assertTrue(targets > 10, "not from a single target: " + targets);
        for (String n : neighbours) {
            // the bias rises with g0's hits; what never hit fell behind the item that always did
            assertTrue(ranker.score(p.get(n)) < ranker.score(p.get("g0")), n + " never hit");
        }
        assertTrue(ranker.score(p.get("g1")) < ranker.score(p.get("g0")), "g1 never hit either");
        RankedList r = CandidateRanker.rank(pool, priors, (c, q) -> ranker.score(c), i -> null, 10, 10);
        assertEquals("g0", r.items()[0]);
        // the same slots in another user's pool: what was learned is the slot, not the item
        Pools other = new Pools().covisit("m0", 40).covisit("m1", 8).offer(GLOBAL, "h0", "h1");
        assertTrue(ranker.score(other.get("h0")) > ranker.score(other.get("m0")));
    }

    private static boolean above(LearnedRanker ranker, Pools p, String item, String... others) {
        for (String o : others) {
            if (ranker.score(p.get(item)) <= ranker.score(p.get(o))) return false;
        }
        return true;
    }

    /**
     * The target is x on every fourth target, else an item outside the pool. In one world x is proposed by a
     * single source; in the other by two sources and scored into the top bucket by both models, always
     * together: four features carrying the same evidence. Both settle near the empirical rate; multiplying the
     * four features' likelihood ratios (naive Bayes, the removed adjustment) would count it four times.
     */
    @Test
    void correlatedEvidenceIsNotCountedTwice() {
        double rate = 0.25;
        Pools single = new Pools().offer(CATEGORY_1, "x").offer(GLOBAL, "g", "y1", "y2", "y3");
        Pools quadruple = new Pools().offer(CATEGORY_1, "x").offer(GLOBAL, "x", "y1", "y2", "y3");
        quadruple.get("x").modelScores(0.6, 0.6);
        LearnedRanker one = new LearnedRanker(priors);
        LearnedRanker four = new LearnedRanker(priors);
        assertEquals(2, one.features(single.get("x")).length, "bias and the source");
        assertEquals(5, four.features(quadruple.get("x")).length, "bias and four pieces of evidence");

        double highest = 0;
        for (int t = 0; t < 60_000; t++) {
            String target = t % 4 == 0 ? "x" : "elsewhere";
            one.observe(single.pool(), target);
            four.observe(quadruple.pool(), target);
            highest = Math.max(highest, four.score(quadruple.get("x")));
        }

        double pOne = one.score(single.get("x"));
        double pFour = four.score(quadruple.get("x"));
        assertEquals(rate, pOne, 0.01, "one feature");
        assertEquals(rate, pFour, 0.01, "four correlated features");
        assertEquals(pOne, pFour, 0.01);
        assertTrue(highest < rate + 0.03, "never far beyond the rate on the way: " + highest);
        // naive Bayes over the same counts: base rate per candidate 0.25 / 4, each feature's rate 0.25
        double base = rate / quadruple.pool().candidates().size();
        double naive = odds(base);
        for (int f = 0; f < 4; f++) naive *= odds(rate) / odds(base);
        double pNaive = naive / (1 + naive);
        assertTrue(pNaive > 0.9, "naive: " + pNaive);
        assertTrue(Math.abs(pFour - rate) < Math.abs(pNaive - rate) / 10);
        // the candidates that never hit sink below their priors in both worlds
        assertTrue(four.score(quadruple.get("y1")) < priors.probability(quadruple.get("y1")));
        assertTrue(one.score(single.get("g")) < priors.probability(single.get("g")));
    }

    @Test
    void theMarginFollowsTheGivenCalibration() {
        SourceCalibration learned = new SourceCalibration(true);
        Pools p = new Pools().covisit("a", 3).offer(GLOBAL, "g0", "g1");
        for (int i = 0; i < 50; i++) learned.observe(p.pool(), "g1");
        LearnedRanker ranker = new LearnedRanker(learned);

        for (String item : new String[] {"a", "g0", "g1"}) {
            double q = learned.probability(p.get(item));
            assertEquals(q, ranker.score(p.get(item)), q * 1e-9, item);
        }
        assertTrue(ranker.score(p.get("g1")) > ranker.score(p.get("a")));
    }

    @Test
    void restoreRoundTrip() {
        LearnedRanker ranker = trained(new Random(5), 300);
        float[] z = ranker.z().clone();
        float[] n = ranker.n().clone();
        assertTrue(nonZero(z) > 3 && nonZero(n) > 3);

        LearnedRanker back = new LearnedRanker(priors);
        back.restore(z, n);

        assertArrayEquals(ranker.z(), back.z(), 0f);
        assertArrayEquals(ranker.n(), back.n(), 0f);
        CandidatePool probe = randomPool(new Random(99));
        for (CandidatePool.Candidate c : probe.candidates()) {
            assertEquals(ranker.score(c), back.score(c), 0.0, c.item);
        }
        // and they learn on alike
        Random a = new Random(6);
        Random b = new Random(6);
        for (int t = 0; t < 50; t++) {
            CandidatePool pa = randomPool(a);
            CandidatePool pb = randomPool(b);
            ranker.observe(pa, target(a, pa));
            back.observe(pb, target(b, pb));
        }
        assertArrayEquals(ranker.z(), back.z(), 0f);
        assertArrayEquals(ranker.n(), back.n(), 0f);
    }

    @Test
    void stateOfAnotherShapeLeavesAFreshRankerFresh() {
        CandidatePool probe = randomPool(new Random(3));
        float[][][] bad = {{null, null}, {new float[10], new float[10]},
            {new float[LearnedRanker.DIMENSION], null}, {new float[LearnedRanker.DIMENSION], new float[10]}};
        for (float[][] state : bad) {
            LearnedRanker r = new LearnedRanker(priors);
            if (state[0] != null) Arrays.fill(state[0], -5f);
            r.restore(state[0], state[1]);
            assertEquals(LearnedRanker.DIMENSION, r.z().length);
            assertEquals(0, nonZero(r.z()));
            for (CandidatePool.Candidate c : probe.candidates()) {
                double p = priors.probability(c);
                assertEquals(p, r.score(c), p * 1e-9);
            }
        }
    }

    @Test
    void theCheckpointedStateCopiesTheRankerAndTheMostInformedWins() {
        LearnedRanker ranker = trained(new Random(8), 100);
        SourceCalibration cal = new SourceCalibration(false);
        for (int i = 0; i < 7; i++) cal.observe(new CandidatePool(), "t");

        CalibrationState s = CalibrationState.of(cal, ranker);
        assertEquals(7, s.targets);
        assertArrayEquals(ranker.z(), s.rankerZ, 0f);
        assertNotSame(ranker.z(), s.rankerZ, "a copy: the live arrays go on learning");
        assertNotSame(ranker.n(), s.rankerN);
        float[] before = s.rankerZ.clone();
        Random rnd = new Random(1);
        CandidatePool pool = randomPool(rnd);
        ranker.observe(pool, target(rnd, pool));
        assertArrayEquals(before, s.rankerZ, 0f);

        LearnedRanker back = new LearnedRanker(s.calibration(false));
        back.restore(s.rankerZ, s.rankerN);
        CandidatePool probe = randomPool(new Random(4));
        LearnedRanker reference = new LearnedRanker(priors);
        reference.restore(before, s.rankerN.clone());
        for (CandidatePool.Candidate c : probe.candidates()) {
            assertEquals(reference.score(c), back.score(c), 0.0);
        }

        CalibrationState less = CalibrationState.of(new SourceCalibration(false), new LearnedRanker(priors));
        assertSame(s, CalibrationState.mostInformed(List.of(less, s, less)));
        assertSame(less, CalibrationState.mostInformed(List.of(less)));
        assertNull(CalibrationState.mostInformed(List.of()));
    }

    @Test
    void deterministic() {
        LearnedRanker first = trained(new Random(21), 400);
        LearnedRanker second = trained(new Random(21), 400);

        assertArrayEquals(first.z(), second.z(), 0f);
        assertArrayEquals(first.n(), second.n(), 0f);
        CandidatePool probe = randomPool(new Random(22));
        for (CandidatePool.Candidate c : probe.candidates()) {
            assertEquals(first.score(c), second.score(c), 0.0);
        }
        // another sequence learns something else
        LearnedRanker third = trained(new Random(23), 400);
        assertTrue(!Arrays.equals(first.z(), third.z()));
    }

    /** A ranker trained on {@code targets} random pools, the target a random candidate or none. */
    private LearnedRanker trained(Random rnd, int targets) {
        LearnedRanker r = new LearnedRanker(priors);
        for (int t = 0; t < targets; t++) {
            CandidatePool pool = randomPool(rnd);
            r.observe(pool, target(rnd, pool));
        }
        return r;
    }

    private static String target(Random rnd, CandidatePool pool) {
        List<CandidatePool.Candidate> all = pool.candidates();
        return all.isEmpty() || rnd.nextInt(3) == 0 ? "elsewhere" : all.get(rnd.nextInt(Math.min(5, all.size()))).item;
    }

    /** A pool as the ranking stage builds it, from random neighbours, embeddings, trending; random model scores. */
    private static CandidatePool randomPool(Random rnd) {
        Seed[] seeds = new Seed[rnd.nextInt(3)];
        for (int d = 0; d < seeds.length; d++) {
            int n = rnd.nextInt(15);
            String[] ids = new String[n];
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                ids[i] = "i" + rnd.nextInt(80);
                w[i] = rnd.nextInt(300) / 10.0;
            }
            seeds[d] = new Seed("s" + d, ids, w);
        }
        Map<String, TrendingList> trending = new HashMap<>();
        String[] cats = {"c0", "c1"};
        for (int c = 0; c < cats.length; c++) {
            trending.put(cats[c], Pools.list(cats[c], Pools.ids(rnd, 20 * c, 20, 10)));
        }
        trending.put(TrendingList.GLOBAL, Pools.list("", Pools.ids(rnd, 0, 80, 10)));
        String[] embedding = rnd.nextBoolean() ? new String[0] : Pools.ids(rnd, 0, 80, 5);
        CandidatePool pool = CandidateRanker.pool(seeds, Set.<String>of()::contains, cats, trending::get, embedding, 50, 10);
        for (CandidatePool.Candidate c : pool.candidates()) {
            if (rnd.nextBoolean()) c.modelScores(rnd.nextDouble(), rnd.nextBoolean() ? -1 : rnd.nextDouble());
        }
        return pool;
    }



    private static int nonZero(float[] v) {
        int n = 0;
        for (float x : v) if (x != 0) n++;
        return n;
    }

    private static double odds(double p) {
        return p / (1 - p);
    }
}

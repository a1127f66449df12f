package io.shoprank.job.bench;

import io.shoprank.job.events.Event;
import io.shoprank.job.ranking.CandidatePool;
import io.shoprank.job.ranking.CandidateRanker;
import io.shoprank.job.ranking.SourceCalibration;
import io.shoprank.job.ranking.RankedList;
import io.shoprank.job.ranking.Seed;
import io.shoprank.job.trending.TrendingList;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The recommend operator's scoring: a user's top-20 from the neighbours of the latest 3 items, minus the
 * user's seen items, filled from the trending lists of the user's top categories and global trending.
 * {@code neighbours}: neighbours per seed item (the touch carries up to --max-neighbours = 100).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class ScoringBenchmark {
    @Param({"5", "100"})
    public int neighbours;

    private Seed[] seeds;
    private Set<String> excluded;
    private String[] categories;
    private final Map<String, TrendingList> trending = new HashMap<>();

    @Setup
    public void setUp() throws Exception {
        Event[] events = BenchData.itemEvents();
        SplittableRandom r = new SplittableRandom(3);
        seeds = new Seed[3];
        for (int s = 0; s < seeds.length; s++) {
            String[] ids = new String[neighbours];
            double[] weights = new double[neighbours];
            for (int i = 0; i < neighbours; i++) {
                ids[i] = events[r.nextInt(events.length)].item;
                weights[i] = (neighbours - i) / 2.0;
            }
            seeds[s] = new Seed(events[r.nextInt(events.length)].item, ids, weights);
        }
        excluded = new HashSet<>();
        for (int i = 0; i < 50; i++) excluded.add(events[r.nextInt(events.length)].item);
        for (int i = 0; i < 5; i++) excluded.add(seeds[0].neighbours[i % neighbours]);
        categories = new String[] {"c1", "c2", "c3"};
        for (String c : new String[] {"c1", "c2", "c3", TrendingList.GLOBAL}) {
            String[] ids = new String[100];
            double[] scores = new double[100];
            for (int i = 0; i < 100; i++) {
                ids[i] = events[r.nextInt(events.length)].item;
                scores[i] = 100 - i;
            }
            trending.put(c, new TrendingList(c, ids, scores, 1, 0));
        }
    }

    private final SourceCalibration calibration = new SourceCalibration(false);

    @Benchmark
    public RankedList rankTop20() {
        CandidatePool pool = CandidateRanker.pool(seeds, excluded::contains, categories, trending::get, new String[0], 50, 20);
        return CandidateRanker.rank(pool, calibration, CandidateRanker.Adjustment.NONE, i -> null, 5, 20);
    }
}

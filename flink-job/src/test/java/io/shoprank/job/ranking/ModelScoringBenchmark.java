package io.shoprank.job.ranking;

import io.shoprank.job.JobConfig;
import io.shoprank.job.model.ConversionInputs;
import io.shoprank.job.model.ModelReplica;
import io.shoprank.job.model.embedding.EmbeddingRow;
import io.shoprank.job.model.embedding.EmbeddingTable;
import io.shoprank.job.trending.TrendingList;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The ranking stage's online-model work per list ({@link ModelScoring#complete}) at the job's table sizes: a
 * replica and item summaries of 200,000 items each, users whose candidates are spread over them (so lookups
 * miss the caches as they do in the job). {@code pool} builds a user's candidate pool only; {@code poolAndModels}
 * builds it and completes it with the models: the difference is what the models add per list. Users cycle
 * through 4,096 pre-built ones; the pre-ranking is the learned ranker's score, as in the job (untrained).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class ModelScoringBenchmark {
    private static final int ITEMS = 200_000;
    private static final int USERS = 4_096;
    private static final int CATEGORIES = 1_000;

    private JobConfig config;
    private ModelScoring scoring;
    private ItemSummaries items;
    private final Map<String, TrendingList> trending = new HashMap<>();
    private UserRanking[] users;
    private List<Set<String>> excluded;
    private String[][] topCategories;
    private int next;
    private final LearnedRanker ranker = new LearnedRanker(new SourceCalibration(false));

    @Setup
    public void setUp() {
        config = JobConfig.fromArgs(new String[] {"--events", "unused.jsonl"});
        SplittableRandom r = new SplittableRandom(11);
        String[] ids = new String[ITEMS];
        for (int i = 0; i < ITEMS; i++) ids[i] = Long.toString(1_000_000L + 7L * i);
        EmbeddingTable table = new EmbeddingTable(config.embeddingDim, config.embeddingItems);
        ModelReplica replica = new ModelReplica(config.conversionDimension, table);
        List<EmbeddingRow> rows = new ArrayList<>();
        int dim = config.embeddingDim;
        for (String id : ids) {
            float[] p = new float[dim];
            float[] q = new float[dim];
            for (int k = 0; k < dim; k++) {
                p[k] = (float) (r.nextDouble() - 0.5) * 0.2f;
                q[k] = (float) (r.nextDouble() - 0.5) * 0.2f;
            }
            rows.add(new EmbeddingRow(id, p, q, (float) (r.nextDouble() - 0.5)));
        }
        float[] weights = new float[config.conversionDimension];
        for (int i = 0; i < weights.length; i++) weights[i] = (float) (r.nextDouble() - 0.5);
        replica.restore(0, 1, weights, rows.toArray(new EmbeddingRow[0]));
        scoring = new ModelScoring(config, replica);
        items = new ItemSummaries(RecommendFunction.ITEM_SUMMARIES);
        for (int i = 0; i < ITEMS; i++) {
            items.put(ids[i], new ConversionInputs.Item("c" + r.nextInt(CATEGORIES), r.nextDouble() * 20,
                    r.nextInt(100), r.nextInt(5), 10 + r.nextInt(100)));
        }
        for (int c = -1; c < CATEGORIES; c++) {
            String name = c < 0 ? TrendingList.GLOBAL : "c" + c;
            String[] top = new String[100];
            double[] scores = new double[100];
            for (int i = 0; i < 100; i++) {
                top[i] = ids[r.nextInt(ITEMS)];
                scores[i] = 100 - i;
            }
            trending.put(name, new TrendingList(name, top, scores, 1, 0));
        }
        users = new UserRanking[USERS];
        excluded = new ArrayList<>();
        topCategories = new String[USERS][];
        for (int u = 0; u < USERS; u++) {
            UserRanking x = new UserRanking();
            x.seeds = new Seed[3];
            for (int s = 0; s < 3; s++) {
                String[] n = new String[50];
                double[] w = new double[50];
                for (int i = 0; i < 50; i++) {
                    n[i] = ids[r.nextInt(ITEMS)];
                    w[i] = (50 - i) / 5.0;
                }
                x.seeds[s] = new Seed(ids[r.nextInt(ITEMS)], n, w);
            }
            x.seen = new String[50];
            Set<String> ex = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                x.seen[i] = ids[r.nextInt(ITEMS)];
                ex.add(x.seen[i]);
            }
            for (int i = 0; i < 3; i++) {
                x.categories.add("c" + r.nextInt(CATEGORIES), 1 + i, 1_000, UserRanking.CATEGORY_HALF_LIFE_MS, 20);
            }
            x.nextSeq = 60;
            x.lastTs = 1_000;
            users[u] = x;
            excluded.add(ex);
            topCategories[u] = x.categories.top(3);
        }
    }

    private CandidatePool pool(int u) {
        Predicate<String> ex = excluded.get(u)::contains;
        return CandidateRanker.pool(users[u].seeds, ex, topCategories[u], trending::get, new String[0],
                RecommendFunction.COVISIT_CANDIDATES, config.k);
    }

    @Benchmark
    public CandidatePool pool() {
        int u = next++ & (USERS - 1);
        return pool(u);
    }

    @Benchmark
    public CandidatePool poolAndModels() {
        int u = next++ & (USERS - 1);
        CandidatePool p = pool(u);
        scoring.complete(p, users[u], items, excluded.get(u)::contains, c -> c.rankerScoreWithoutModels = ranker.scoreWithoutModels(c));
        return p;
    }
}

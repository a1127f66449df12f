package io.shoprank.job.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation's figures: the system (overall, cold and warm users, catalog coverage) and both reference
 * baselines, with the per-target ranks that the rolling chart is drawn from.
 */
public final class QualityReport {
    /** Users with fewer earlier events than this are cold. */
    public static final int COLD_BELOW = 5;

    public final RankingMetrics system = RankingMetrics.forListLength(20);
    public final RankingMetrics cold = RankingMetrics.forListLength(20);
    public final RankingMetrics warm = RankingMetrics.forListLength(20);
    public final List<long[]> systemSeries = new ArrayList<>();
    public final List<long[]> popularSeries = new ArrayList<>();
    public final List<long[]> covisitSeries = new ArrayList<>();
    public BaselineEvaluator.Result baselines;
    public double coverage;

    public void addSystem(PrequentialOutcome o) {
        system.addRank(o.rank);
        (o.priorEvents < COLD_BELOW ? cold : warm).addRank(o.rank);
        systemSeries.add(new long[] {o.ts, o.rank});
    }

    public void addBaselines(long ts, int popularRank, int covisitRank) {
        popularSeries.add(new long[] {ts, popularRank});
        covisitSeries.add(new long[] {ts, covisitRank});
    }

    /** The report.json object. */
    public Map<String, Object> toMap(String file, int parallelism) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", file);
        out.put("events", baselines.events());
        out.put("targets", baselines.targets());
        out.put("parallelism", parallelism);
        Map<String, Object> sys = new LinkedHashMap<>(system.toMap());
        sys.put("targets", system.targets());
        sys.put("cold", withTargets(cold));
        sys.put("warm", withTargets(warm));
        sys.put("coverage", coverage);
        out.put("system", sys);
        out.put("popular", baselines.popular().toMap());
        out.put("covisit", baselines.covisit().toMap());
        return out;
    }

    private static Map<String, Object> withTargets(RankingMetrics m) {
        Map<String, Object> out = new LinkedHashMap<>(m.toMap());
        out.put("targets", m.targets());
        return out;
    }

    /** A readable table for the console. */
    public String table(String file, int parallelism) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s: %,d events, %,d targets (system %,d), parallelism %d%n", file,
                baselines.events(), baselines.targets(), system.targets(), parallelism));
        b.append(String.format(Locale.ROOT, "%-16s %9s %8s %8s %8s %8s %8s%n", "method", "hits@20", "HR@20",
                "MRR@20", "NDCG@20", "HR@10", "NDCG@10"));
        row(b, "system", system);
        row(b, "  cold users", cold);
        row(b, "  warm users", warm);
        row(b, "popular", baselines.popular());
        row(b, "covisit", baselines.covisit());
        double best = Math.max(baselines.popular().hr(20), baselines.covisit().hr(20));
        b.append(String.format(Locale.ROOT, "system HR@20 / better baseline: %.3f; catalog coverage %.1f%%%n",
                best == 0 ? 0 : system.hr(20) / best, 100 * coverage));
        return b.toString();
    }

    private static void row(StringBuilder b, String name, RankingMetrics m) {
        b.append(String.format(Locale.ROOT, "%-16s %9d %8.4f %8.4f %8.4f %8.4f %8.4f%n", name, m.hits(20),
                m.hr(20), m.mrr(20), m.ndcg(20), m.hr(10), m.ndcg(10)));
    }
}

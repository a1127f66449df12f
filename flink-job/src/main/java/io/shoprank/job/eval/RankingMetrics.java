package io.shoprank.job.eval;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Hit rate, MRR and NDCG at a few cut-offs (default 10 and 20), accumulated over targets exactly as
 * {@code prequential_baselines.py}: for a target at 0-based position {@code r} of the served list, every
 * cut-off {@code c > r} gets a hit, {@code 1.0 / (r + 1)} and {@code 1.0 / log2(r + 2)}, summed in target
 * order; {@code hr}, {@code mrr} and {@code ndcg} divide the sums by {@code max(targets, 1)}. The smaller
 * cut-offs are the longest list cut to their length.
 */
public final class RankingMetrics {

    private final int[] cuts;
    private final long[] hits;
    private final double[] mrr;
    private final double[] ndcg;
    /** 1 / log2(r + 2) for r below the largest cut-off. */
    private final double[] gain;
    private long targets;

    /** Cut-offs 10 and 20. */
    public RankingMetrics() {
        this(10, 20);
    }

    /** The given cut-offs (deduplicated, ascending), each at least 1. */
    public RankingMetrics(int... cutOffs) {
        TreeSet<Integer> set = new TreeSet<>();
        for (int c : cutOffs) {
            if (c < 1) {
                throw new IllegalArgumentException("cut-off must be >= 1: " + c);
            }
            set.add(c);
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("no cut-offs");
        }
        this.cuts = set.stream().mapToInt(Integer::intValue).toArray();
        this.hits = new long[cuts.length];
        this.mrr = new double[cuts.length];
        this.ndcg = new double[cuts.length];
        int max = cuts[cuts.length - 1];
        this.gain = new double[max];
        for (int r = 0; r < max; r++) {
            gain[r] = 1.0 / log2(r + 2);
        }
    }

    /** The cut-offs {@code {10, k}} the script uses for a list length {@code k}. */
    public static RankingMetrics forListLength(int k) {
        return new RankingMetrics(10, k);
    }

    /** Counts one target and scores the served list (best first) for it. */
    public void add(List<String> ranked, String target) {
        addRank(ranked.indexOf(target));
    }

    /** Counts one target found at 0-based position {@code rank} of the served list, or -1 when absent. */
    public void addRank(int rank) {
        targets++;
        if (rank < 0) {
            return;
        }
        for (int c = 0; c < cuts.length; c++) {
            if (rank < cuts[c]) {
                hits[c]++;
                mrr[c] += 1.0 / (rank + 1);
                ndcg[c] += gain[rank];
            }
        }
    }

    public long targets() {
        return targets;
    }

    public int[] cutOffs() {
        return cuts.clone();
    }

    public long hits(int cut) {
        return hits[index(cut)];
    }

    /** Hit rate: hits / max(targets, 1). */
    public double hr(int cut) {
        return hits[index(cut)] / (double) Math.max(targets, 1);
    }

    public double mrr(int cut) {
        return mrr[index(cut)] / Math.max(targets, 1);
    }

    public double ndcg(int cut) {
        return ndcg[index(cut)] / Math.max(targets, 1);
    }

    /**
     * The figures, cut-offs ascending, each as {@code hits@c, hr@c, mrr@c, ndcg@c} (for the default cut-offs:
     * {@code hits@10, hr@10, mrr@10, ndcg@10, hits@20, hr@20, mrr@20, ndcg@20}).
     */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int c : cuts) {
            out.put("hits@" + c, hits(c));
            out.put("hr@" + c, hr(c));
            out.put("mrr@" + c, mrr(c));
            out.put("ndcg@" + c, ndcg(c));
        }
        return out;
    }

    @Override
    public String toString() {
        return "RankingMetrics" + toMap() + " over " + targets + " targets";
    }

    private int index(int cut) {
        int i = Arrays.binarySearch(cuts, cut);
        if (i < 0) {
            throw new IllegalArgumentException("no cut-off " + cut + " in " + Arrays.toString(cuts));
        }
        return i;
    }

    private static final MathContext MC = new MathContext(60);
    private static final BigDecimal LN2 = lnOfMantissa(BigDecimal.valueOf(2));

    /**
     * log2(n) for n >= 1, correctly rounded (computed in 60-digit decimal arithmetic). {@code Math.log(n) /
     * Math.log(2)} is often one ulp off; Python's {@code math.log2} (glibc) agrees with this for every n
     * below 1621 (checked up to 5000: it differs only at 1621 and 3242), so NDCG sums match the script
     * bit for bit for lists up to 1619 long.
     */
    static double log2(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("log2 of " + n);
        }
        int k = 63 - Long.numberOfLeadingZeros(n);
        if (n == 1L << k) {
            return k;
        }
        BigDecimal m = new BigDecimal(n).divide(new BigDecimal(1L << k), MC);  // in (1, 2)
        return new BigDecimal(k).add(lnOfMantissa(m).divide(LN2, MC), MC).doubleValue();
    }

    /** ln(m) = 2 atanh((m - 1) / (m + 1)), for m in [1, 2]. */
    private static BigDecimal lnOfMantissa(BigDecimal m) {
        BigDecimal z = m.subtract(BigDecimal.ONE).divide(m.add(BigDecimal.ONE), MC);
        BigDecimal z2 = z.multiply(z, MC);
        BigDecimal term = z;
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal eps = new BigDecimal("1e-58");
        for (int j = 0; j < 1000; j++) {
            BigDecimal t = term.divide(BigDecimal.valueOf(2L * j + 1), MC);
            sum = sum.add(t, MC);
            if (t.abs().compareTo(eps) < 0) {
                break;
            }
            term = term.multiply(z2, MC);
        }
        return sum.multiply(BigDecimal.valueOf(2), MC);
    }
}

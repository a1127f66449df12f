package io.shoprank.job.eval;

/**
 * HR, MRR and NDCG at a cut-off over the latest {@code window} targets (a ring of ranks), for live quality
 * gauges. Pure math, no Flink.
 */
public final class RollingQuality {
    private final int cutoff;
    /** 1 / log2(rank + 2) by rank, computed once (RankingMetrics.log2 is exact but not cheap). */
    private final double[] gain;
    private final int[] ranks;
    private int next;
    private int filled;
    private double hits;
    private double mrr;
    private double ndcg;

    public RollingQuality(int cutoff, int window) {
        this.cutoff = cutoff;
        this.ranks = new int[window];
        this.gain = new double[cutoff];
        for (int r = 0; r < cutoff; r++) {
            gain[r] = 1.0 / RankingMetrics.log2(r + 2);
        }
    }

    /** Records one target; {@code rank} is 0-based, or -1 when the item was not in the list. */
    public void add(int rank) {
        if (filled == ranks.length) {
            remove(ranks[next]);
        } else {
            filled++;
        }
        ranks[next] = rank;
        next = (next + 1) % ranks.length;
        if (rank >= 0 && rank < cutoff) {
            hits++;
            mrr += 1.0 / (rank + 1);
            ndcg += gain[rank];
        }
    }

    private void remove(int rank) {
        if (rank >= 0 && rank < cutoff) {
            hits--;
            mrr -= 1.0 / (rank + 1);
            ndcg -= gain[rank];
        }
    }

    public int targets() {
        return filled;
    }

    public double hitRate() {
        return filled == 0 ? 0 : hits / filled;
    }

    public double mrr() {
        return filled == 0 ? 0 : mrr / filled;
    }

    public double ndcg() {
        return filled == 0 ? 0 : ndcg / filled;
    }
}

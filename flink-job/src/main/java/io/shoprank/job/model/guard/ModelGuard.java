package io.shoprank.job.model.guard;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Decides whether a new model version may be served. It rejects non-finite weights outright, and, once
 * {@code warmupBatches} batches were accepted, a batch whose mean log-loss exceeds
 * max(spikeFactor x EWMA of the accepted batches' log-loss, floor): a sudden loss spike means a broken model
 * or broken input, and serving the last good version is the safer choice. The floor keeps a very good EWMA
 * from turning ordinary noise into rejections. Rejected batches do not enter the EWMA.
 */
public final class ModelGuard {
    private final double spikeFactor;
    private final double floor;
    private final int warmupBatches;
    private final double ewmaWeight;
    private int acceptedBatches;
    private double ewma = Double.NaN;

    /** @param ewmaWeight weight of the newest accepted batch in the EWMA, in (0, 1] */
    public ModelGuard(double spikeFactor, double floor, int warmupBatches, double ewmaWeight) {
        if (!(spikeFactor > 1)) throw new IllegalArgumentException("spikeFactor must exceed 1: " + spikeFactor);
        if (!(floor >= 0)) throw new IllegalArgumentException("floor must be >= 0: " + floor);
        if (warmupBatches < 0) throw new IllegalArgumentException("warmupBatches must be >= 0: " + warmupBatches);
        if (!(ewmaWeight > 0 && ewmaWeight <= 1)) {
            throw new IllegalArgumentException("ewmaWeight must be in (0, 1]: " + ewmaWeight);
        }
        this.spikeFactor = spikeFactor;
        this.floor = floor;
        this.warmupBatches = warmupBatches;
        this.ewmaWeight = ewmaWeight;
    }

    /**
     * Reviews a version given the coordinates changed since the last one, their new weights (index-aligned)
     * and the mean log-loss of the batch that produced it; an accepted batch's loss enters the EWMA.
     */
    public Verdict review(int[] idx, float[] weights, double batchLogLoss) {
        Verdict verdict = checkWeights(idx, weights);
        if (verdict.accepted()) verdict = checkLoss(batchLogLoss);
        if (verdict.accepted()) {
            ewma = acceptedBatches == 0 ? batchLogLoss : ewma + ewmaWeight * (batchLogLoss - ewma);
            acceptedBatches++;
        }
        return verdict;
    }

    public static Verdict checkWeights(int[] idx, float[] weights) {
        if (idx.length != weights.length) {
            throw new IllegalArgumentException("idx and weights differ in length");
        }
        for (int k = 0; k < weights.length; k++) {
            if (Float.isNaN(weights[k])) return Verdict.rejected("NaN weight at " + idx[k]);
            if (Float.isInfinite(weights[k])) return Verdict.rejected("infinite weight at " + idx[k]);
        }
        return Verdict.ACCEPTED;
    }

    private Verdict checkLoss(double loss) {
        if (!Double.isFinite(loss)) return Verdict.rejected("log-loss " + loss);
        if (acceptedBatches < warmupBatches) return Verdict.ACCEPTED;
        double relative = spikeFactor * ewma;
        if (loss <= Math.max(relative, floor)) return Verdict.ACCEPTED;
        return Verdict.rejected(relative >= floor
                ? String.format(Locale.ROOT, "log-loss spike %.2f > %s x %.2f", loss, plain(spikeFactor), ewma)
                : String.format(Locale.ROOT, "log-loss spike %.2f > floor %.2f", loss, floor));
    }

    /** 3 rather than 3.0 in reasons. */
    private static String plain(double x) {
        return BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
    }

    public int acceptedBatches() {
        return acceptedBatches;
    }

    /** EWMA of the accepted batches' mean log-loss; NaN before the first. */
    public double ewma() {
        return ewma;
    }
}

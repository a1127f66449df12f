package io.shoprank.job.model.metrics;

/**
 * Log-loss of the latest {@code window} predictions (mean over a ring buffer) and an exponentially weighted
 * mean over all of them, for prequential quality gauges.
 */
public final class RollingLogLoss {
    /** Keeps a confident miss finite: -log(1e-15) = 34.5. */
    private static final double EPS = 1e-15;

    private final double[] losses;
    private final double ewmaWeight;
    private int next;
    private int filled;
    private double sum;
    private double ewma = Double.NaN;

    /** @param ewmaWeight weight of the newest example in the exponentially weighted mean, in (0, 1] */
    public RollingLogLoss(int window, double ewmaWeight) {
        if (window <= 0) throw new IllegalArgumentException("window must be positive: " + window);
        if (!(ewmaWeight > 0 && ewmaWeight <= 1)) {
            throw new IllegalArgumentException("ewmaWeight must be in (0, 1]: " + ewmaWeight);
        }
        this.losses = new double[window];
        this.ewmaWeight = ewmaWeight;
    }

    /** -log(p) for a positive, -log(1 - p) for a negative, with p clipped to [1e-15, 1 - 1e-15]. */
    public static double logLoss(double p, boolean y) {
        double q = Math.max(EPS, Math.min(1 - EPS, p));
        return -Math.log(y ? q : 1 - q);
    }

    /** Records one prediction and returns its log-loss. */
    public double add(double p, boolean y) {
        double loss = logLoss(p, y);
        sum += loss - (filled == losses.length ? losses[next] : 0);
        losses[next] = loss;
        next = (next + 1) % losses.length;
        if (filled < losses.length) filled++;
        if (next == 0) {
            resum(); // once per lap, so add/subtract rounding cannot drift for ever
        }
        ewma = Double.isNaN(ewma) ? loss : ewma + ewmaWeight * (loss - ewma);
        return loss;
    }

    private void resum() {
        double s = 0;
        for (double l : losses) s += l;
        sum = s;
    }

    /** Mean log-loss over the window; NaN when empty. */
    public double mean() {
        return filled == 0 ? Double.NaN : sum / filled;
    }

    /** Exponentially weighted mean log-loss, starting at the first example's; NaN when empty. */
    public double ewma() {
        return ewma;
    }

    public int size() {
        return filled;
    }
}

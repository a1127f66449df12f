package io.shoprank.job.model.ftrl;

import java.util.BitSet;

/**
 * FTRL-Proximal logistic regression with per-coordinate learning rates (McMahan et al. 2013, "Ad click
 * prediction: a view from the trenches", Algorithm 1) over a hashed feature space. The state is z and n; the
 * weights follow from them (L1 keeps rarely seen coordinates at exactly 0) and are kept computed beside them,
 * recomputed for the coordinates a step touches: a prediction then reads weights instead of taking a square
 * root and a division per feature (a ranking subtask scores every candidate of every list). Pure math, no
 * Flink.
 */
public final class FtrlProximal {
    /** Logit bound: beyond it the sigmoid is 0 or 1 to double precision and exp() may overflow. */
    private static final double MAX_LOGIT = 35;

    /** Hyper-parameters; {@code dimension} must be a power of two (the hasher masks hashes into it). */
    public record Params(int dimension, double alpha, double beta, double l1, double l2) {
        public Params {
            if (dimension <= 0 || Integer.bitCount(dimension) != 1) {
                throw new IllegalArgumentException("dimension must be a power of two: " + dimension);
            }
            if (!(alpha > 0) || !(beta >= 0) || !(l1 >= 0) || !(l2 >= 0)) {
                throw new IllegalArgumentException("need alpha > 0 and beta, l1, l2 >= 0");
            }
        }
    }

    private final Params params;
    private final float[] z;
    private final float[] n;
    /** {@link #computeWeight} of every coordinate, as of z and n now. */
    private final double[] w;
    /** Coordinates touched since the last drain, so only sparse weight deltas need publishing. */
    private final BitSet changed = new BitSet();

    public FtrlProximal(int dimension, double alpha, double beta, double l1, double l2) {
        this(new Params(dimension, alpha, beta, l1, l2), new float[dimension], new float[dimension]);
    }

    private FtrlProximal(Params params, float[] z, float[] n) {
        this.params = params;
        this.z = z;
        this.n = n;
        this.w = new double[z.length];
        for (int i = 0; i < w.length; i++) w[i] = computeWeight(i);
    }

    /** A model over snapshotted state; takes ownership of the arrays. Nothing counts as changed yet. */
    public static FtrlProximal restore(Params params, float[] z, float[] n) {
        if (z.length != params.dimension() || n.length != params.dimension()) {
            throw new IllegalArgumentException("state length " + z.length + "/" + n.length
                    + " does not match dimension " + params.dimension());
        }
        return new FtrlProximal(params, z, n);
    }

    public Params params() {
        return params;
    }

    /** The live z state, for snapshots; not a copy (change it through {@link #rollBack} only). */
    public float[] z() {
        return z;
    }

    /** The live n state (sum of squared gradients), for snapshots; not a copy (see {@link #z}). */
    public float[] n() {
        return n;
    }

    /** Sets z and n back to earlier values (a rejected version); changes no coordinate's changed mark. */
    public void rollBack(float[] earlierZ, float[] earlierN) {
        System.arraycopy(earlierZ, 0, z, 0, z.length);
        System.arraycopy(earlierN, 0, n, 0, n.length);
        for (int i = 0; i < w.length; i++) w[i] = computeWeight(i);
    }

    public double weight(int i) {
        return w[i];
    }

    private double computeWeight(int i) {
        double zi = z[i];
        if (Math.abs(zi) <= params.l1()) return 0;
        return -(zi - Math.signum(zi) * params.l1())
                / ((params.beta() + Math.sqrt(n[i])) / params.alpha() + params.l2());
    }

    public float[] weights(int[] idx) {
        float[] w = new float[idx.length];
        for (int k = 0; k < idx.length; k++) {
            w[k] = (float) weight(idx[k]);
        }
        return w;
    }

    /** The click/conversion probability of a sparse example. */
    public double predict(int[] idx, float[] val) {
        return predict(idx, val, 0);
    }

    /** The probability with a fixed base margin (a prior's log-odds) added to the weights' sum. */
    public double predict(int[] idx, float[] val, double offset) {
        return predict(idx, idx.length, val, offset);
    }

    /** {@link #predict(int[], float[], double)} of the first {@code count} features. */
    public double predict(int[] idx, int count, float[] val, double offset) {
        double logit = offset;
        for (int k = 0; k < count; k++) {
            logit += weight(idx[k]) * val[k];
        }
        return probability(logit);
    }

    /** The probability of a logit (the sum {@link #predict} forms), bounded like every prediction. */
    public static double probability(double logit) {
        logit = Math.max(-MAX_LOGIT, Math.min(MAX_LOGIT, logit));
        return 1 / (1 + Math.exp(-logit));
    }

    /**
     * One FTRL step on a labelled example. Returns the prediction made before the step, so callers score
     * prequentially (test, then train). Repeated indices are applied one after the other.
     */
    public double update(int[] idx, float[] val, boolean label) {
        return update(idx, val, label, 0);
    }

    /** {@link #update(int[], float[], boolean)} for a model that learns on top of a fixed base margin. */
    public double update(int[] idx, float[] val, boolean label, double offset) {
        return update(idx, idx.length, val, label, offset);
    }

    /** {@link #update(int[], float[], boolean, double)} on the first {@code count} features. */
    public double update(int[] idx, int count, float[] val, boolean label, double offset) {
        double p = predict(idx, count, val, offset);
        double residual = p - (label ? 1 : 0);
        for (int k = 0; k < count; k++) {
            double g = residual * val[k];
            if (g == 0) continue; // neither z nor n moves
            int i = idx[k];
            double wi = w[i];
            double ni = n[i];
            double sigma = (Math.sqrt(ni + g * g) - Math.sqrt(ni)) / params.alpha();
            z[i] = (float) (z[i] + g - sigma * wi);
            n[i] = (float) (ni + g * g);
            w[i] = computeWeight(i);
            changed.set(i);
        }
        return p;
    }

    /** Marks a coordinate as changed since the last drain (a restored model's unpublished changes). */
    public void markChanged(int i) {
        changed.set(i);
    }

    /** Sorted distinct coordinates updated since the previous call. */
    public int[] drainChanged() {
        int[] out = changed.stream().toArray();
        changed.clear();
        return out;
    }
}

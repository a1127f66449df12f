package io.shoprank.job.model.metrics;

import java.util.Arrays;

/**
 * Prequential ROC AUC over the latest {@code window} (prediction, label) pairs: a ring buffer, with the exact
 * AUC (the Mann-Whitney statistic, ties counting 1/2) computed on demand in O(N log N). Meant for a metrics
 * gauge read every few seconds, not per event.
 */
public final class OnlineAuc {
    private final double[] predictions;
    private final boolean[] labels;
    private int next;
    private int filled;

    public OnlineAuc(int window) {
        if (window <= 0) throw new IllegalArgumentException("window must be positive: " + window);
        this.predictions = new double[window];
        this.labels = new boolean[window];
    }

    public void add(double p, boolean y) {
        predictions[next] = p;
        labels[next] = y;
        next = (next + 1) % predictions.length;
        if (filled < predictions.length) filled++;
    }

    public int size() {
        return filled;
    }

    /** P(a random positive scores above a random negative), ties 1/2; NaN without both classes. */
    public double auc() {
        int positives = 0;
        for (int k = 0; k < filled; k++) {
            if (labels[k]) positives++;
        }
        int negatives = filled - positives;
        if (positives == 0 || negatives == 0) return Double.NaN;

        double[] pos = new double[positives];
        double[] neg = new double[negatives];
        for (int k = 0, pi = 0, ni = 0; k < filled; k++) {
            if (labels[k]) pos[pi++] = predictions[k];
            else neg[ni++] = predictions[k];
        }
        Arrays.sort(pos);
        Arrays.sort(neg);

        // Walk the positives in ascending order; below counts negatives strictly lower, upTo those <= p.
        double wins = 0;
        int below = 0;
        int upTo = 0;
        for (double p : pos) {
            while (below < negatives && neg[below] < p) below++;
            if (upTo < below) upTo = below;
            while (upTo < negatives && neg[upTo] <= p) upTo++;
            wins += below + 0.5 * (upTo - below);
        }
        return wins / ((double) positives * negatives);
    }
}

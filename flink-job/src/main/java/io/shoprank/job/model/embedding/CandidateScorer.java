package io.shoprank.job.model.embedding;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores a user's k candidates for both online models in one ND4J matrix product:
 * {@code [W | Q] (k x (F + d))} times {@code [[1_F, 0], [0, u]] ((F + d) x 2)}, where row r of W holds the
 * conversion model's weights of candidate r's F active hashed features (all of value 1) and row r of Q is
 * the candidate's embedding target vector. Column 0 is the conversion logit, column 1 {@code u . Q_r}.
 */
public final class CandidateScorer {
    private CandidateScorer() {}

    /** Returns {@code [k][2]}: conversion logit (without bias), embedding dot product (without item bias). */
    public static double[][] score(float[][] gatheredWeights, float[][] targetVectors, float[] u) {
        int k = gatheredWeights.length;
        if (k == 0) return new double[0][2];
        int f = gatheredWeights[0].length;
        int d = u.length;
        int w = f + d;
        float[] m = new float[k * w];
        for (int r = 0; r < k; r++) {
            System.arraycopy(gatheredWeights[r], 0, m, r * w, f);
            if (targetVectors[r] != null) System.arraycopy(targetVectors[r], 0, m, r * w + f, d);
        }
        float[] v = new float[w * 2];
        for (int i = 0; i < f; i++) v[2 * i] = 1;
        for (int i = 0; i < d; i++) v[2 * (f + i) + 1] = u[i];
        INDArray out = Nd4jArrays.matrix(m, k, w).mmul(Nd4jArrays.matrix(v, w, 2));
        float[] flat = Nd4jArrays.values(out);
        double[][] scores = new double[k][2];
        for (int r = 0; r < k; r++) {
            scores[r][0] = flat[2 * r];
            scores[r][1] = flat[2 * r + 1];
        }
        return scores;
    }
}

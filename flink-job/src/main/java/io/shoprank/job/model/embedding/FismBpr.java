package io.shoprank.job.model.embedding;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Mini-batch BPR (Rendle et al. 2009) for a FISM-style model (Kabbur et al. 2013): the user is the normalised
 * sum of the context vectors of the user's recent items, {@code u = sum(P_c) / sqrt(n)}, and
 * {@code score(u, i) = u . Q_i + b_i}. Every learned parameter is an item parameter, which is what lets the
 * job train it in one place and ship it to the ranking subtasks as a stream.
 *
 * <p>For each (positive i, negative j): {@code x = u . (Q_i - Q_j) + b_i - b_j}, {@code g = sigmoid(-x)};
 * {@code Q_i += lr (g u - reg Q_i)}, {@code Q_j += lr (-g u - reg Q_j)}, {@code b_i += lr (g - reg b_i)},
 * {@code b_j += lr (-g - reg b_j)}, each context {@code P_c += lr (g (Q_i - Q_j) / sqrt(n) - reg P_c)}.
 * Gradients of a batch are computed from the parameters as they were at the batch start (one ND4J pass for
 * the whole batch: the per-call cost of ND4J makes per-example calls slow) and summed per item.
 */
public final class FismBpr {
    private final double lr;
    private final double reg;

    public FismBpr(double lr, double reg) {
        this.lr = lr;
        this.reg = reg;
    }

    /** Applies one mini-batch; returns its mean BPR loss {@code -log sigmoid(x)} (NaN for an empty batch). */
    public double step(ItemEmbeddings t, List<BprExample> batch) {
        int d = t.dim();
        List<float[]> users = new ArrayList<>();
        List<String[]> contexts = new ArrayList<>();
        List<String> pos = new ArrayList<>();
        List<String> neg = new ArrayList<>();
        for (BprExample e : batch) {
            String[] ctx = contextWithout(e.context(), e.positive());
            float[] u = UserVectors.of(t, ctx, true);
            for (String j : e.negatives()) {
                users.add(u);
                contexts.add(ctx);
                pos.add(e.positive());
                neg.add(j);
            }
        }
        int n = users.size();
        if (n == 0) return Double.NaN;
        float[][] uu = users.toArray(new float[0][]);
        float[][] qi = new float[n][];
        float[][] qj = new float[n][];
        float[] bias = new float[n];
        for (int r = 0; r < n; r++) {
            EmbeddingRow i = t.getOrInit(pos.get(r));
            EmbeddingRow j = t.getOrInit(neg.get(r));
            qi[r] = i.q;
            qj[r] = j.q;
            bias[r] = i.b - j.b;
        }
        INDArray u = Nd4jArrays.matrix(flatten(uu, d), n, d);
        INDArray diff = Nd4jArrays.matrix(flatten(qi, d), n, d).subi(Nd4jArrays.matrix(flatten(qj, d), n, d));
        INDArray x = u.mul(diff).sum(1).addi(Nd4jArrays.matrix(bias, n, 1).reshape(n));
        INDArray g = Transforms.sigmoid(x.neg(), false);
        double loss = -Transforms.log(Transforms.sigmoid(x, true), false).meanNumber().doubleValue();
        float[] gu = Nd4jArrays.values(u.mulColumnVector(g.reshape(n, 1)));
        float[] gdiff = Nd4jArrays.values(diff.mulColumnVector(g.reshape(n, 1)));
        float[] gv = Nd4jArrays.values(g);

        Map<String, float[]> dq = new HashMap<>();
        Map<String, float[]> dp = new HashMap<>();
        Map<String, Float> db = new HashMap<>();
        for (int r = 0; r < n; r++) {
            add(dq, pos.get(r), gu, r * d, 1, d);
            add(dq, neg.get(r), gu, r * d, -1, d);
            db.merge(pos.get(r), gv[r], Float::sum);
            db.merge(neg.get(r), -gv[r], Float::sum);
            String[] ctx = contexts.get(r);
            float scale = (float) (1 / Math.sqrt(Math.max(1, ctx.length)));
            for (String c : ctx) add(dp, c, gdiff, r * d, scale, d);
        }
        for (Map.Entry<String, float[]> e : dq.entrySet()) {
            EmbeddingRow row = t.getOrInit(e.getKey());
            float[] q = row.q.clone();
            for (int k = 0; k < d; k++) q[k] += (float) (lr * (e.getValue()[k] - reg * q[k]));
            float b = row.b + (float) (lr * (db.getOrDefault(e.getKey(), 0f) - reg * row.b));
            t.put(e.getKey(), row.p, q, b);
        }
        for (Map.Entry<String, float[]> e : dp.entrySet()) {
            EmbeddingRow row = t.getOrInit(e.getKey());
            float[] p = row.p.clone();
            for (int k = 0; k < d; k++) p[k] += (float) (lr * (e.getValue()[k] - reg * p[k]));
            t.put(e.getKey(), p, row.q, row.b);
        }
        return loss;
    }

    private static void add(Map<String, float[]> acc, String item, float[] v, int offset, float scale, int d) {
        float[] a = acc.computeIfAbsent(item, k -> new float[d]);
        for (int k = 0; k < d; k++) a[k] += scale * v[offset + k];
    }

    private static float[] flatten(float[][] rows, int d) {
        float[] out = new float[rows.length * d];
        for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], 0, out, r * d, d);
        return out;
    }

    private static String[] contextWithout(String[] context, String positive) {
        int n = 0;
        for (String c : context) if (!c.equals(positive)) n++;
        String[] out = new String[n];
        int k = 0;
        for (String c : context) if (!c.equals(positive)) out[k++] = c;
        return out;
    }
}

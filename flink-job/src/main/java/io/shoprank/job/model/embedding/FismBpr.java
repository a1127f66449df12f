package io.shoprank.job.model.embedding;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
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
 * Gradients of a batch are computed from the parameters as they were at the batch start and summed per item.
 *
 * <p>ND4J computes the batch's margins {@code u . (Q_i - Q_j)} for all pairs at once: the pairs' rows are
 * staged on the heap and copied into two long-lived native matrices with one bulk put each, multiplied
 * element-wise into a third and summed per row into a long-lived vector (two native calls per batch, no
 * allocation). Allocating ND4J arrays per batch and doing every step as an ND4J op (as this class did first)
 * cost 452 us per batch of 64 examples against 152 us now ({@code ModelUpdateBenchmark}, this machine, quiet),
 * most of it native allocation and per-call overhead for a few microseconds of arithmetic; the per-pair
 * sigmoid and the sparse per-item gradient sums stay in plain Java. One instance per thread.
 */
public final class FismBpr {
    private final double lr;
    private final double reg;
    /** Rows of the native matrices (a power of two, at least 64; rows past a batch's pairs are zero). */
    private int capacity;
    private int dim;
    private INDArray users;
    private INDArray diffs;
    private INDArray products;
    private INDArray margins;
    private FloatBuffer usersView;
    private FloatBuffer diffsView;
    private FloatBuffer marginsView;
    private float[] stagedUsers;
    private float[] stagedDiffs;

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
        ensure(n, d);
        float[] bias = new float[n];
        for (int r = 0; r < n; r++) {
            EmbeddingRow i = t.getOrInit(pos.get(r));
            EmbeddingRow j = t.getOrInit(neg.get(r));
            System.arraycopy(users.get(r), 0, stagedUsers, r * d, d);
            for (int k = 0; k < d; k++) stagedDiffs[r * d + k] = i.q[k] - j.q[k];
            bias[r] = i.b - j.b;
        }
        // a shorter batch than the last leaves rows behind: zero them (their margins are never read)
        java.util.Arrays.fill(stagedUsers, n * d, capacity * d, 0f);
        java.util.Arrays.fill(stagedDiffs, n * d, capacity * d, 0f);
        usersView.position(0);
        usersView.put(stagedUsers, 0, capacity * d);
        diffsView.position(0);
        diffsView.put(stagedDiffs, 0, capacity * d);
        this.users.mul(diffs, products);
        products.sum(margins, 1);

        Map<String, float[]> dq = new HashMap<>();
        Map<String, float[]> dp = new HashMap<>();
        Map<String, Float> db = new HashMap<>();
        double loss = 0;
        for (int r = 0; r < n; r++) {
            double x = marginsView.get(r) + bias[r];
            float g = (float) sigmoid(-x);
            loss -= Math.log(sigmoid(x));
            add(dq, pos.get(r), stagedUsers, r * d, g, d);
            add(dq, neg.get(r), stagedUsers, r * d, -g, d);
            db.merge(pos.get(r), g, Float::sum);
            db.merge(neg.get(r), -g, Float::sum);
            String[] ctx = contexts.get(r);
            float scale = (float) (1 / Math.sqrt(Math.max(1, ctx.length)));
            for (String c : ctx) add(dp, c, stagedDiffs, r * d, g * scale, d);
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
        return loss / n;
    }

    /** The native matrices for at least {@code n} pairs of dimension {@code d}, allocated when they grow. */
    private void ensure(int n, int d) {
        if (n <= capacity && d == dim) return;
        capacity = Math.max(64, Integer.highestOneBit(Math.max(n, 64) - 1) << 1);
        dim = d;
        users = Nd4jArrays.matrix(capacity, d);
        diffs = Nd4jArrays.matrix(capacity, d);
        products = Nd4jArrays.matrix(capacity, d);
        margins = Nd4j.create(DataType.FLOAT, capacity);
        usersView = Nd4jArrays.view(users);
        diffsView = Nd4jArrays.view(diffs);
        marginsView = Nd4jArrays.view(margins);
        stagedUsers = new float[capacity * d];
        stagedDiffs = new float[capacity * d];
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static void add(Map<String, float[]> acc, String item, float[] v, int offset, float scale, int d) {
        float[] a = acc.computeIfAbsent(item, k -> new float[d]);
        for (int k = 0; k < d; k++) a[k] += scale * v[offset + k];
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
